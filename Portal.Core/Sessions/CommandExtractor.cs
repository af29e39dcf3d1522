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
            var line = lines[i];
            if (line.Kind != RowKind.Live || line.Text.Length < 2)
            {
                continue;
            }

            foreach (var prompt in _prompts)
            {
                Match match;
                try
                {
                    match = prompt.Match(line.Text);
                }
                catch (RegexMatchTimeoutException)
                {
                    continue;
                }

                if (!match.Success)
                {
                    continue;
                }

                var text = line.Text[match.Length..].Trim();
                if (text.Length > 0)
                {
                    if (text.Length > MaxCommandLength)
                    {
                        text = text[..MaxCommandLength];
                    }

                    commands.Add(new SessionCommand(i, line.FirstRow, match.Value.TrimEnd(), text, FlagsOf(text)));
                }

                break;
            }
        }

        return commands;
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
