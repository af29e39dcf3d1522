namespace Portal.Core.Sessions;

/// <summary>Finds the commands typed in a rendered transcript and flags the risky ones.</summary>
public interface ICommandExtractor
{
    /// <summary>The commands, in order, from logical lines that start with a known prompt.</summary>
    IReadOnlyList<SessionCommand> Extract(IReadOnlyList<RenderedLine> lines);

    /// <summary>The commands of a rendered transcript, in order; a line's text is made only to be read here.</summary>
    IReadOnlyList<SessionCommand> Extract(Terminal.TranscriptDocument document);
}
