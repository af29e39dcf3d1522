namespace Portal.Core.ApiTokens;

/// <summary>Who a valid token acts as.</summary>
public sealed record ApiTokenIdentity(Guid Id, string Name, string Role);
