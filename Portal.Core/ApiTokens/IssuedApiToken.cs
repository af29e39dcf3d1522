namespace Portal.Core.ApiTokens;

/// <summary>A freshly issued token. <see cref="Token"/> is shown once and never stored.</summary>
public sealed record IssuedApiToken(ApiTokenInfo Info, string Token);
