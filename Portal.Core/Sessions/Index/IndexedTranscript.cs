namespace Portal.Core.Sessions.Index;

/// <summary>What the indexer writes for one transcript object.</summary>
/// <param name="Summary">The row the list shows.</param>
/// <param name="Commands">The commands typed.</param>
/// <param name="Lines">The logical lines, packed by <see cref="LinePack"/>; empty when rendering failed.</param>
/// <param name="Trigrams">The trigram document as ASCII bytes (<see cref="Index.Trigrams.WriteDocument"/>).</param>
internal sealed record IndexedTranscript(SessionSummary Summary, IReadOnlyList<SessionCommand> Commands, byte[] Lines, byte[] Trigrams);
