namespace Portal.Core.Sessions;

/// <summary>A page of transcripts and the token for the next page, if there is one.</summary>
public sealed record SessionLogPage(IReadOnlyList<SessionLogObject> Items, string? NextToken);
