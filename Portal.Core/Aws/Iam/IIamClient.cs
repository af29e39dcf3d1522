namespace Portal.Core.Aws.Iam;

/// <summary>
/// The IAM operations the portal uses, over the Query protocol. Shaped after AWSSDK.IdentityManagement's
/// <c>IAmazonIdentityManagementService</c> so an adapter over that package can replace it. Get operations answer
/// <see langword="null"/> for <c>NoSuchEntity</c>; other failures throw <see cref="AwsApiException"/>.
/// </summary>
public interface IIamClient
{
    /// <summary>GetUser.</summary>
    /// <exception cref="AwsApiException">IAM refused the call.</exception>
    Task<IamUser?> GetUserAsync(string userName, CancellationToken cancellationToken = default);

    /// <summary>ListUsers, every page.</summary>
    Task<IReadOnlyList<IamUser>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>CreateUser.</summary>
    Task<IamUser> CreateUserAsync(string userName, IEnumerable<KeyValuePair<string, string>>? tags = null, CancellationToken cancellationToken = default);

    /// <summary>Sets the user's permissions boundary to the managed policy <paramref name="policyArn"/>, replacing any other.</summary>
    Task PutUserPermissionsBoundaryAsync(string userName, string policyArn, CancellationToken cancellationToken = default);

    /// <summary>TagUser.</summary>
    Task TagUserAsync(string userName, IEnumerable<KeyValuePair<string, string>> tags, CancellationToken cancellationToken = default);

    /// <summary>ListUserTags, every page.</summary>
    Task<IReadOnlyList<IamTag>> ListUserTagsAsync(string userName, CancellationToken cancellationToken = default);

    /// <summary>GetGroup (the group alone; see <see cref="GetGroupMembersAsync"/>).</summary>
    Task<IamGroup?> GetGroupAsync(string groupName, CancellationToken cancellationToken = default);

    /// <summary>GetGroup's users, every page.</summary>
    Task<IReadOnlyList<IamUser>> GetGroupMembersAsync(string groupName, CancellationToken cancellationToken = default);

    /// <summary>ListGroups, every page.</summary>
    Task<IReadOnlyList<IamGroup>> ListGroupsAsync(CancellationToken cancellationToken = default);

    /// <summary>ListGroupsForUser, every page.</summary>
    Task<IReadOnlyList<IamGroup>> ListGroupsForUserAsync(string userName, CancellationToken cancellationToken = default);

    /// <summary>CreateGroup.</summary>
    Task<IamGroup> CreateGroupAsync(string groupName, CancellationToken cancellationToken = default);

    /// <summary>AddUserToGroup.</summary>
    Task AddUserToGroupAsync(string groupName, string userName, CancellationToken cancellationToken = default);

    /// <summary>GetRole.</summary>
    Task<IamRole?> GetRoleAsync(string roleName, CancellationToken cancellationToken = default);

    /// <summary>CreateRole with a trust policy.</summary>
    Task<IamRole> CreateRoleAsync(string roleName, string assumeRolePolicyDocument, string? description = null, IEnumerable<KeyValuePair<string, string>>? tags = null, CancellationToken cancellationToken = default);

    /// <summary>UpdateAssumeRolePolicy.</summary>
    Task UpdateAssumeRolePolicyAsync(string roleName, string policyDocument, CancellationToken cancellationToken = default);

    /// <summary>TagRole.</summary>
    Task TagRoleAsync(string roleName, IEnumerable<KeyValuePair<string, string>> tags, CancellationToken cancellationToken = default);

    /// <summary>AttachRolePolicy.</summary>
    Task AttachRolePolicyAsync(string roleName, string policyArn, CancellationToken cancellationToken = default);

    /// <summary>DetachRolePolicy.</summary>
    Task DetachRolePolicyAsync(string roleName, string policyArn, CancellationToken cancellationToken = default);

    /// <summary>ListAttachedRolePolicies, every page.</summary>
    Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedRolePoliciesAsync(string roleName, CancellationToken cancellationToken = default);

    /// <summary>GetInstanceProfile.</summary>
    Task<IamInstanceProfile?> GetInstanceProfileAsync(string instanceProfileName, CancellationToken cancellationToken = default);

    /// <summary>CreateInstanceProfile.</summary>
    Task<IamInstanceProfile> CreateInstanceProfileAsync(string instanceProfileName, CancellationToken cancellationToken = default);

    /// <summary>AddRoleToInstanceProfile.</summary>
    Task AddRoleToInstanceProfileAsync(string instanceProfileName, string roleName, CancellationToken cancellationToken = default);

    /// <summary>RemoveRoleFromInstanceProfile.</summary>
    Task RemoveRoleFromInstanceProfileAsync(string instanceProfileName, string roleName, CancellationToken cancellationToken = default);

    /// <summary>GetPolicy.</summary>
    Task<IamManagedPolicy?> GetPolicyAsync(string policyArn, CancellationToken cancellationToken = default);

    /// <summary>CreatePolicy (customer managed).</summary>
    Task<IamManagedPolicy> CreatePolicyAsync(string policyName, string policyDocument, string? description = null, CancellationToken cancellationToken = default);

    /// <summary>GetPolicyVersion, with its decoded document.</summary>
    Task<IamPolicyVersion?> GetPolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken = default);

    /// <summary>CreatePolicyVersion.</summary>
    Task<IamPolicyVersion> CreatePolicyVersionAsync(string policyArn, string policyDocument, bool setAsDefault, CancellationToken cancellationToken = default);

    /// <summary>ListPolicyVersions (IAM keeps at most five).</summary>
    Task<IReadOnlyList<IamPolicyVersion>> ListPolicyVersionsAsync(string policyArn, CancellationToken cancellationToken = default);

    /// <summary>DeletePolicyVersion (not the default one).</summary>
    Task DeletePolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken = default);

    /// <summary>PutUserPolicy: creates or replaces an inline policy on a user.</summary>
    Task PutUserPolicyAsync(string userName, string policyName, string policyDocument, CancellationToken cancellationToken = default);

    /// <summary>GetUserPolicy: the decoded document, or <see langword="null"/> when there is none.</summary>
    Task<string?> GetUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default);

    /// <summary>DeleteUserPolicy; <see langword="false"/> when there was none.</summary>
    Task<bool> DeleteUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default);

    /// <summary>ListUserPolicies (inline policy names), every page.</summary>
    Task<IReadOnlyList<string>> ListUserPoliciesAsync(string userName, CancellationToken cancellationToken = default);

    /// <summary>PutGroupPolicy: creates or replaces an inline policy on a group.</summary>
    Task PutGroupPolicyAsync(string groupName, string policyName, string policyDocument, CancellationToken cancellationToken = default);

    /// <summary>GetGroupPolicy: the decoded document, or <see langword="null"/> when there is none.</summary>
    Task<string?> GetGroupPolicyAsync(string groupName, string policyName, CancellationToken cancellationToken = default);

    /// <summary>DeleteGroupPolicy; <see langword="false"/> when there was none.</summary>
    Task<bool> DeleteGroupPolicyAsync(string groupName, string policyName, CancellationToken cancellationToken = default);

    /// <summary>ListGroupPolicies (inline policy names), every page.</summary>
    Task<IReadOnlyList<string>> ListGroupPoliciesAsync(string groupName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every user, group and role with its inline and attached policies, and the account's own managed policies with
    /// their default documents, in one paged call (GetAccountAuthorizationDetails). AWS managed policies are named by
    /// ARN only; read them with <see cref="GetPolicyAsync"/> and <see cref="GetPolicyVersionAsync"/>.
    /// </summary>
    Task<IamAuthorizationDetails> GetAuthorizationDetailsAsync(CancellationToken cancellationToken = default);
}
