using Portal.Core.Sessions.Terminal;

namespace Portal.Web.Components.Sessions;

/// <summary>What a later version changed against the agent's: lines only in one or the other, as a multiset (like comm).</summary>
/// <param name="Removed">Lines of the agent's version the later one lacks, in order.</param>
/// <param name="Added">Lines of the later version the agent's lacks, in order.</param>
public sealed record TranscriptChanges(IReadOnlyList<string> Removed, IReadOnlyList<string> Added)
{
    private const int MaxShown = 200;

    /// <summary>Compares the logical lines of two renderings; at most <see cref="MaxShown"/> lines each way.</summary>
    public static TranscriptChanges Between(TranscriptDocument first, TranscriptDocument later)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(later);
        var firstLines = first.LineTexts().ToList();
        var laterLines = later.LineTexts().ToList();
        return new TranscriptChanges(Only(firstLines, laterLines), Only(laterLines, firstLines));
    }

    private static List<string> Only(IReadOnlyList<string> these, IReadOnlyList<string> others)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in others)
        {
            counts[line] = counts.GetValueOrDefault(line) + 1;
        }

        var only = new List<string>();
        foreach (var line in these)
        {
            if (counts.TryGetValue(line, out var n) && n > 0)
            {
                counts[line] = n - 1;
            }
            else if (only.Count < MaxShown)
            {
                only.Add(line);
            }
        }

        return only;
    }
}
