using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

internal sealed class CommandExtractor : ICommandExtractor
{
    // Patterns come from configuration: a timeout keeps a bad one from hanging a circuit or the indexer.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);
    private const int MaxCommandLength = 4096;

    private readonly Regex[] _prompts;
    private readonly (string Name, Regex Pattern)[] _flags;

    public CommandExtractor(IOptions<SessionFlagOptions> options)
    {
        _prompts = [.. options.Value.Prompts.Select(p => new Regex(p, RegexOptions.CultureInvariant, MatchTimeout))];
        _flags = [.. options.Value.Flags.Select(f => (f.Key, new Regex(f.Value, RegexOptions.CultureInvariant, MatchTimeout)))];
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
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < document.LineCount; i++)
        {
            // Most lines are output: a cheap look at the first character rules them out before any string is made.
            var kind = document.LineKind(i);
            if (kind == RowKind.FullScreenSnapshot)
            {
                continue;
            }

            if (Command(i, document.LineText(i), kind, document.LineFirstRow(i)) is { } command)
            {
                commands.Add(command);
            }
        }

        return commands;
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
