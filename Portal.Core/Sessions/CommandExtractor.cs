using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

internal sealed class CommandExtractor : ICommandExtractor
{
    // Patterns come from configuration: a timeout keeps a catastrophic one from hanging a circuit or the indexer.
    // It is a safety net, never reached by a sane pattern even on a loaded machine (at 50 ms a busy CI missed a
    // flag: an audit result must not depend on load).
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);
    private const int MaxCommandLength = 4096;

    private readonly Regex[] _prompts;

    // All prompts as one alternation, for the quick test every line gets; the list finds which prompt matched.
    private readonly Regex _anyPrompt;
    private readonly (string Name, Regex Pattern)[] _flags;

    public CommandExtractor(IOptions<SessionFlagOptions> options)
    {
        _prompts = [.. options.Value.Prompts.Select(p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout))];
        // \G: a prompt starts its line, so the engine tries the start only, not every position of every line.
        _anyPrompt = new Regex(
            $"\\G(?:{string.Join('|', options.Value.Prompts.Select(p => $"(?:{p})"))})",
            RegexOptions.CultureInvariant | RegexOptions.Compiled,
            MatchTimeout);
        _flags = [.. options.Value.Flags.Select(f => (f.Key, new Regex(f.Value, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout)))];
    }

    public IReadOnlyList<SessionCommand> Extract(IReadOnlyList<RenderedLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var commands = new List<SessionCommand>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (Command(i, lines[i].Text, lines[i].Kind, lines[i].FirstRow) is { } command)
            {
                commands.Add(command);
            }
        }

        return commands;
    }

    public IReadOnlyList<SessionCommand> Extract(TranscriptDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var commands = new List<SessionCommand>();
        var scratch = new System.Text.StringBuilder();
        var buffer = new char[256];
        for (var i = 0; i < document.LineCount; i++)
        {
            var kind = document.LineKind(i);
            if (kind == RowKind.FullScreenSnapshot)
            {
                continue;
            }

            if (FromLine(i, document.LineText(i, scratch, ref buffer), kind, document.LineFirstRow(i)) is { } command)
            {
                commands.Add(command);
            }
        }

        return commands;
    }

    public SessionCommand? FromLine(int index, ReadOnlySpan<char> text, RowKind kind, int firstRow) =>
        // Most lines are output: the prompts are tried on the line in place, and a string is made only for a match.
        kind != RowKind.FullScreenSnapshot && text.Length >= 2 && StartsWithPrompt(text)
            ? Command(index, text.ToString(), kind, firstRow)
            : null;

    /// <summary>The quick test every line gets: does any prompt match it? Only then is a string made.</summary>
    private bool StartsWithPrompt(ReadOnlySpan<char> line)
    {
        try
        {
            return _anyPrompt.IsMatch(line);
        }
        catch (RegexMatchTimeoutException)
        {
            // Too slow for the quick test: let each prompt have its own try.
            return true;
        }
    }

    /// <summary>
    /// The command on one line, if it starts with a known prompt. Lines wiped by clear count (the commands were
    /// run); what a full-screen program showed does not.
    /// </summary>
    private SessionCommand? Command(int index, string line, RowKind kind, int firstRow)
    {
        if (kind == RowKind.FullScreenSnapshot || line.Length < 2)
        {
            return null;
        }

        foreach (var prompt in _prompts)
        {
            Match match;
            try
            {
                match = prompt.Match(line);
            }
            catch (RegexMatchTimeoutException)
            {
                continue;
            }

            if (!match.Success)
            {
                continue;
            }

            var text = line[match.Length..].Trim();
            if (text.Length == 0)
            {
                return null;
            }

            if (text.Length > MaxCommandLength)
            {
                text = text[..MaxCommandLength];
            }

            return new SessionCommand(index, firstRow, match.Value.TrimEnd(), text, FlagsOf(text));
        }

        return null;
    }

    private string[] FlagsOf(string command)
    {
        var flags = new List<string>();
        foreach (var (name, pattern) in _flags)
        {
            try
            {
                if (pattern.IsMatch(command))
                {
                    flags.Add(name);
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern too slow for this command flags nothing rather than stalling the page.
            }
        }

        return [.. flags];
    }
}
