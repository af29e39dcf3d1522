namespace Portal.Core.Sessions;

/// <summary>Finds the commands typed in a rendered transcript and flags the risky ones.</summary>
public interface ICommandExtractor
{
    /// <summary>The commands, in order, from logical lines that start with a known prompt.</summary>
    IReadOnlyList<SessionCommand> Extract(IReadOnlyList<RenderedLine> lines);
}
