namespace Portal.Core.Sessions.Index;

/// <summary>What the indexer writes for one transcript object.</summary>
/// <param name="Summary">The row the list shows.</param>
/// <param name="Commands">The commands typed.</param>
/// <param name="Lines">The logical lines, packed by <see cref="LinePack"/>; empty when rendering failed.</param>
/// <param name="Trigrams">The distinct trigrams of its lines (<see cref="Index.Trigrams.Values"/>).</param>
/// <param name="Grams">Its six-character windows as a <see cref="GramSignature"/> bitmap; empty when it has none.</param>
internal sealed record IndexedTranscript(SessionSummary Summary, IReadOnlyList<SessionCommand> Commands, byte[] Lines, ulong[] Trigrams, ulong[] Grams);
