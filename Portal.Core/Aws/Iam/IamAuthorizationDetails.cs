namespace Portal.Core.Aws.Iam;

/// <summary>An inline policy and its document.</summary>
/// <param name="PolicyName">Its name.</param>
/// <param name="Document">The JSON document, decoded.</param>
public sealed record IamInlinePolicy(string PolicyName, string Document);

/// <summary>A user, group or role with what it holds.</summary>
/// <param name="Kind"><c>user</c>, <c>group</c> or <c>role</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Arn">Its ARN.</param>
/// <param name="InlinePolicies">Its inline policies.</param>
/// <param name="AttachedPolicyArns">The managed policies attached to it.</param>
/// <param name="Groups">For a user: the groups it belongs to.</param>
public sealed record IamPrincipalDetail(string Kind, string Name, string Arn, IReadOnlyList<IamInlinePolicy> InlinePolicies, IReadOnlyList<string> AttachedPolicyArns, IReadOnlyList<string> Groups);

/// <summary>What GetAccountAuthorizationDetails tells: every user, group and role, and the account's own managed policies.</summary>
/// <param name="Principals">Users, groups and roles.</param>
/// <param name="LocalPolicyDocuments">The account's managed policies: ARN to the default version's document.</param>
public sealed record IamAuthorizationDetails(IReadOnlyList<IamPrincipalDetail> Principals, IReadOnlyDictionary<string, string> LocalPolicyDocuments);
