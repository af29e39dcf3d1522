using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Portal.Core.Aws.Protocols;

namespace Portal.Core.Aws.Iam;

/// <summary>IAM over the Query protocol, API version 2010-05-08.</summary>
internal sealed class IamClient(AwsQueryClient query, IOptions<PortalAwsOptions> options) : IIamClient
{
    private const string Version = "2010-05-08";
    private const string NoSuchEntity = "NoSuchEntity";

    private readonly AwsServiceEndpoint _endpoint = AwsServiceEndpoint.For("iam", options.Value);

    public Task<IamUser?> GetUserAsync(string userName, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => ToUser((await CallAsync("GetUser", new QueryParameters().Add("UserName", userName), cancellationToken)).Find("User")!));

    public Task<IReadOnlyList<IamUser>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        ListAsync("ListUsers", new QueryParameters(), "Users", ToUser, cancellationToken);

    public async Task<IamUser> CreateUserAsync(string userName, IEnumerable<KeyValuePair<string, string>>? tags = null, CancellationToken cancellationToken = default) =>
        ToUser((await CallAsync("CreateUser", new QueryParameters().Add("UserName", userName).AddTags("Tags", tags), cancellationToken)).Find("User")!);

    public Task PutUserPermissionsBoundaryAsync(string userName, string policyArn, CancellationToken cancellationToken = default) =>
        CallAsync("PutUserPermissionsBoundary", new QueryParameters().Add("UserName", userName).Add("PermissionsBoundary", policyArn), cancellationToken);

    public Task TagUserAsync(string userName, IEnumerable<KeyValuePair<string, string>> tags, CancellationToken cancellationToken = default) =>
        CallAsync("TagUser", new QueryParameters().Add("UserName", userName).AddTags("Tags", tags), cancellationToken);

    public Task<IReadOnlyList<IamTag>> ListUserTagsAsync(string userName, CancellationToken cancellationToken = default) =>
        ListAsync("ListUserTags", new QueryParameters().Add("UserName", userName), "Tags", e => new IamTag(e.Required("Key"), e.Child("Value") ?? string.Empty), cancellationToken);

    public Task<IamGroup?> GetGroupAsync(string groupName, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => ToGroup((await CallAsync("GetGroup", new QueryParameters().Add("GroupName", groupName), cancellationToken)).Find("Group")!));

    public Task<IReadOnlyList<IamUser>> GetGroupMembersAsync(string groupName, CancellationToken cancellationToken = default) =>
        ListAsync("GetGroup", new QueryParameters().Add("GroupName", groupName), "Users", ToUser, cancellationToken);

    public Task<IReadOnlyList<IamGroup>> ListGroupsAsync(CancellationToken cancellationToken = default) =>
        ListAsync("ListGroups", new QueryParameters(), "Groups", ToGroup, cancellationToken);

    public Task<IReadOnlyList<IamGroup>> ListGroupsForUserAsync(string userName, CancellationToken cancellationToken = default) =>
        ListAsync("ListGroupsForUser", new QueryParameters().Add("UserName", userName), "Groups", ToGroup, cancellationToken);

    public async Task<IamGroup> CreateGroupAsync(string groupName, CancellationToken cancellationToken = default) =>
        ToGroup((await CallAsync("CreateGroup", new QueryParameters().Add("GroupName", groupName), cancellationToken)).Find("Group")!);

    public Task AddUserToGroupAsync(string groupName, string userName, CancellationToken cancellationToken = default) =>
        CallAsync("AddUserToGroup", new QueryParameters().Add("GroupName", groupName).Add("UserName", userName), cancellationToken);

    public Task<IamRole?> GetRoleAsync(string roleName, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => ToRole((await CallAsync("GetRole", new QueryParameters().Add("RoleName", roleName), cancellationToken)).Find("Role")!));

    public async Task<IamRole> CreateRoleAsync(string roleName, string assumeRolePolicyDocument, string? description = null, IEnumerable<KeyValuePair<string, string>>? tags = null, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters()
            .Add("RoleName", roleName)
            .Add("AssumeRolePolicyDocument", assumeRolePolicyDocument)
            .Add("Description", description)
            .AddTags("Tags", tags);
        return ToRole((await CallAsync("CreateRole", parameters, cancellationToken)).Find("Role")!);
    }

    public Task UpdateAssumeRolePolicyAsync(string roleName, string policyDocument, CancellationToken cancellationToken = default) =>
        CallAsync("UpdateAssumeRolePolicy", new QueryParameters().Add("RoleName", roleName).Add("PolicyDocument", policyDocument), cancellationToken);

    public Task TagRoleAsync(string roleName, IEnumerable<KeyValuePair<string, string>> tags, CancellationToken cancellationToken = default) =>
        CallAsync("TagRole", new QueryParameters().Add("RoleName", roleName).AddTags("Tags", tags), cancellationToken);

    public Task AttachRolePolicyAsync(string roleName, string policyArn, CancellationToken cancellationToken = default) =>
        CallAsync("AttachRolePolicy", new QueryParameters().Add("RoleName", roleName).Add("PolicyArn", policyArn), cancellationToken);

    public Task DetachRolePolicyAsync(string roleName, string policyArn, CancellationToken cancellationToken = default) =>
        CallAsync("DetachRolePolicy", new QueryParameters().Add("RoleName", roleName).Add("PolicyArn", policyArn), cancellationToken);

    public Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedRolePoliciesAsync(string roleName, CancellationToken cancellationToken = default) =>
        ListAsync("ListAttachedRolePolicies", new QueryParameters().Add("RoleName", roleName), "AttachedPolicies", e => new IamAttachedPolicy(e.Required("PolicyName"), e.Required("PolicyArn")), cancellationToken);

    public Task<IamInstanceProfile?> GetInstanceProfileAsync(string instanceProfileName, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => ToInstanceProfile((await CallAsync("GetInstanceProfile", new QueryParameters().Add("InstanceProfileName", instanceProfileName), cancellationToken)).Find("InstanceProfile")!));

    public async Task<IamInstanceProfile> CreateInstanceProfileAsync(string instanceProfileName, CancellationToken cancellationToken = default) =>
        ToInstanceProfile((await CallAsync("CreateInstanceProfile", new QueryParameters().Add("InstanceProfileName", instanceProfileName), cancellationToken)).Find("InstanceProfile")!);

    public Task AddRoleToInstanceProfileAsync(string instanceProfileName, string roleName, CancellationToken cancellationToken = default) =>
        CallAsync("AddRoleToInstanceProfile", new QueryParameters().Add("InstanceProfileName", instanceProfileName).Add("RoleName", roleName), cancellationToken);

    public Task RemoveRoleFromInstanceProfileAsync(string instanceProfileName, string roleName, CancellationToken cancellationToken = default) =>
        CallAsync("RemoveRoleFromInstanceProfile", new QueryParameters().Add("InstanceProfileName", instanceProfileName).Add("RoleName", roleName), cancellationToken);

    public Task<IamManagedPolicy?> GetPolicyAsync(string policyArn, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => ToPolicy((await CallAsync("GetPolicy", new QueryParameters().Add("PolicyArn", policyArn), cancellationToken)).Find("Policy")!));

    public async Task<IamManagedPolicy> CreatePolicyAsync(string policyName, string policyDocument, string? description = null, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters().Add("PolicyName", policyName).Add("PolicyDocument", policyDocument).Add("Description", description);
        return ToPolicy((await CallAsync("CreatePolicy", parameters, cancellationToken)).Find("Policy")!);
    }

    public Task<IamPolicyVersion?> GetPolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => ToPolicyVersion((await CallAsync("GetPolicyVersion", new QueryParameters().Add("PolicyArn", policyArn).Add("VersionId", versionId), cancellationToken)).Find("PolicyVersion")!));

    public async Task<IamPolicyVersion> CreatePolicyVersionAsync(string policyArn, string policyDocument, bool setAsDefault, CancellationToken cancellationToken = default)
    {
        var parameters = new QueryParameters().Add("PolicyArn", policyArn).Add("PolicyDocument", policyDocument).Add("SetAsDefault", setAsDefault);
        return ToPolicyVersion((await CallAsync("CreatePolicyVersion", parameters, cancellationToken)).Find("PolicyVersion")!);
    }

    public Task<IReadOnlyList<IamPolicyVersion>> ListPolicyVersionsAsync(string policyArn, CancellationToken cancellationToken = default) =>
        ListAsync("ListPolicyVersions", new QueryParameters().Add("PolicyArn", policyArn), "Versions", ToPolicyVersion, cancellationToken);

    public Task DeletePolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken = default) =>
        CallAsync("DeletePolicyVersion", new QueryParameters().Add("PolicyArn", policyArn).Add("VersionId", versionId), cancellationToken);

    public Task PutUserPolicyAsync(string userName, string policyName, string policyDocument, CancellationToken cancellationToken = default) =>
        CallAsync("PutUserPolicy", new QueryParameters().Add("UserName", userName).Add("PolicyName", policyName).Add("PolicyDocument", policyDocument), cancellationToken);

    public Task<string?> GetUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => DecodeDocument((await CallAsync("GetUserPolicy", new QueryParameters().Add("UserName", userName).Add("PolicyName", policyName), cancellationToken)).Child("PolicyDocument")));

    public Task<bool> DeleteUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default) =>
        ExistedAsync(() => CallAsync("DeleteUserPolicy", new QueryParameters().Add("UserName", userName).Add("PolicyName", policyName), cancellationToken));

    public Task<IReadOnlyList<string>> ListUserPoliciesAsync(string userName, CancellationToken cancellationToken = default) =>
        ListAsync("ListUserPolicies", new QueryParameters().Add("UserName", userName), "PolicyNames", e => e.Value, cancellationToken);

    public Task PutGroupPolicyAsync(string groupName, string policyName, string policyDocument, CancellationToken cancellationToken = default) =>
        CallAsync("PutGroupPolicy", new QueryParameters().Add("GroupName", groupName).Add("PolicyName", policyName).Add("PolicyDocument", policyDocument), cancellationToken);

    public Task<string?> GetGroupPolicyAsync(string groupName, string policyName, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => DecodeDocument((await CallAsync("GetGroupPolicy", new QueryParameters().Add("GroupName", groupName).Add("PolicyName", policyName), cancellationToken)).Child("PolicyDocument")));

    public Task<bool> DeleteGroupPolicyAsync(string groupName, string policyName, CancellationToken cancellationToken = default) =>
        ExistedAsync(() => CallAsync("DeleteGroupPolicy", new QueryParameters().Add("GroupName", groupName).Add("PolicyName", policyName), cancellationToken));

    public Task<IReadOnlyList<string>> ListGroupPoliciesAsync(string groupName, CancellationToken cancellationToken = default) =>
        ListAsync("ListGroupPolicies", new QueryParameters().Add("GroupName", groupName), "PolicyNames", e => e.Value, cancellationToken);

    public async Task<IamAuthorizationDetails> GetAuthorizationDetailsAsync(CancellationToken cancellationToken = default)
    {
        var principals = new List<IamPrincipalDetail>();
        var local = new Dictionary<string, string>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            var parameters = new QueryParameters().Add("Filter.member.1", "User").Add("Filter.member.2", "Group").Add("Filter.member.3", "Role").Add("Filter.member.4", "LocalManagedPolicy");
            var result = await CallAsync("GetAccountAuthorizationDetails", parameters.Add("Marker", marker), cancellationToken);
            principals.AddRange(result.Members("UserDetailList").Select(e => ToDetail(e, "user", "UserName", "UserPolicyList")));
            principals.AddRange(result.Members("GroupDetailList").Select(e => ToDetail(e, "group", "GroupName", "GroupPolicyList")));
            principals.AddRange(result.Members("RoleDetailList").Select(e => ToDetail(e, "role", "RoleName", "RolePolicyList")));
            foreach (var policy in result.Members("Policies"))
            {
                var version = policy.Members("PolicyVersionList").FirstOrDefault(v => v.ChildBool("IsDefaultVersion"));
                if (DecodeDocument(version?.Child("Document")) is { } document)
                {
                    local[policy.Required("Arn")] = document;
                }
            }

            marker = result.ChildBool("IsTruncated") ? result.Child("Marker") : null;
        }
        while (!string.IsNullOrEmpty(marker));

        return new IamAuthorizationDetails(principals, local);
    }

    private static IamPrincipalDetail ToDetail(XElement e, string kind, string nameElement, string inlineList) => new(
        kind,
        e.Required(nameElement),
        e.Required("Arn"),
        [.. e.Members(inlineList).Select(p => new IamInlinePolicy(p.Required("PolicyName"), DecodeDocument(p.Child("PolicyDocument")) ?? "{}"))],
        [.. e.Members("AttachedManagedPolicies").Select(p => p.Required("PolicyArn"))],
        [.. e.Members("GroupList").Select(g => g.Value)]);

    private Task<XElement> CallAsync(string action, QueryParameters parameters, CancellationToken cancellationToken) =>
        query.CallAsync(_endpoint, Version, action, parameters, cancellationToken);

    /// <summary>Follows IAM's <c>IsTruncated</c>/<c>Marker</c> paging to the end.</summary>
    private async Task<IReadOnlyList<T>> ListAsync<T>(string action, QueryParameters parameters, string listName, Func<XElement, T> map, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? marker = null;
        do
        {
            var page = new QueryParameters();
            foreach (var (name, value) in parameters.Fields)
            {
                page.Add(name, value);
            }

            var result = await CallAsync(action, page.Add("Marker", marker), cancellationToken);
            items.AddRange(result.Members(listName).Select(map));
            marker = result.ChildBool("IsTruncated") ? result.Child("Marker") : null;
        }
        while (!string.IsNullOrEmpty(marker));

        return items;
    }

    private static async Task<T?> OrNullAsync<T>(Func<Task<T?>> call)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (AwsApiException ex) when (ex.ErrorCode == NoSuchEntity)
        {
            return null;
        }
    }

    private static async Task<bool> ExistedAsync(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (AwsApiException ex) when (ex.ErrorCode == NoSuchEntity)
        {
            return false;
        }
    }

    /// <summary>IAM returns policy documents URL-encoded (RFC 3986).</summary>
    internal static string? DecodeDocument(string? document) =>
        document is null ? null : document.TrimStart().StartsWith('{') ? document : Uri.UnescapeDataString(document);

    private static IamUser ToUser(XElement e) =>
        new(e.Required("UserName"), e.Required("UserId"), e.Required("Arn"), e.Child("Path") ?? "/", e.ChildDate("CreateDate"), e.Find("PermissionsBoundary")?.Child("PermissionsBoundaryArn"));

    private static IamGroup ToGroup(XElement e) =>
        new(e.Required("GroupName"), e.Required("GroupId"), e.Required("Arn"), e.Child("Path") ?? "/");

    private static IamRole ToRole(XElement e) =>
        new(e.Required("RoleName"), e.Required("RoleId"), e.Required("Arn"), e.Child("Path") ?? "/", DecodeDocument(e.Child("AssumeRolePolicyDocument")), e.Child("Description"));

    private static IamInstanceProfile ToInstanceProfile(XElement e) =>
        new(e.Required("InstanceProfileName"), e.Required("InstanceProfileId"), e.Required("Arn"), [.. e.Members("Roles").Select(r => r.Required("RoleName"))]);

    private static IamManagedPolicy ToPolicy(XElement e) =>
        new(e.Required("PolicyName"), e.Required("PolicyId"), e.Required("Arn"), e.Child("DefaultVersionId") ?? "v1", int.TryParse(e.Child("AttachmentCount"), out var count) ? count : 0);

    private static IamPolicyVersion ToPolicyVersion(XElement e) =>
        new(e.Required("VersionId"), e.ChildBool("IsDefaultVersion"), DecodeDocument(e.Child("Document")), e.ChildDate("CreateDate"));
}
