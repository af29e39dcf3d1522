namespace Portal.Core.Sessions;

/// <summary>Finds the commands typed in a rendered transcript and flags the risky ones.</summary>
public interface ICommandExtractor
{
    /// <summary>The commands, in order, from logical lines that start with a known prompt.</summary>
    IReadOnlyList<SessionCommand> Extract(IReadOnlyList<RenderedLine> lines);

    /// <summary>The commands of a rendered transcript, in order; a line's text is made only to be read here.</summary>
    IReadOnlyList<SessionCommand> Extract(Terminal.TranscriptDocument document);

    /// <summary>
    /// The command on one logical line, if it starts with a known prompt (a string is made only then): for callers
    /// that read the lines anyway, such as the indexer.
    /// </summary>
    SessionCommand? FromLine(int index, ReadOnlySpan<char> text, Terminal.RowKind kind, int firstRow);
}
