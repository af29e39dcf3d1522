namespace Portal.Core.Sessions;

/// <summary>A command as it was run: the text after a prompt on a rendered line (readline edits already applied).</summary>
/// <param name="Line">The logical line's index.</param>
/// <param name="Row">The first physical row of that line, zero-based.</param>
/// <param name="Prompt">The prompt before it.</param>
/// <param name="Text">The command.</param>
/// <param name="Flags">The names of the risk flags it raises, such as <c>sudo</c> or <c>rm -rf</c>.</param>
public sealed record SessionCommand(int Line, int Row, string Prompt, string Text, IReadOnlyList<string> Flags);
