using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>The portal's IAM client over the wire against moto, checked with the AWS CLI.</summary>
[Collection(MotoGroup.Name)]
public sealed class IamClientTests(MotoServerFixture moto) : IDisposable
{
    private const string TrustPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/sessionmanager/*"}]}""";
    private readonly ServiceProvider _services = AwsClients.For(moto);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    private IIamClient Iam => _services.GetRequiredService<IIamClient>();

    [Fact]
    public async Task Users_CreateTagListAndGroups_RoundTrip()
    {
        var name = $"user-{_suffix}";
        var group = $"group-{_suffix}";

        var created = await Iam.CreateUserAsync(name, [new("portal:email", "u@example.com")]);
        await Iam.TagUserAsync(name, [new("team", "ops")]);
        await Iam.CreateGroupAsync(group);
        await Iam.AddUserToGroupAsync(group, name);

        Assert.Equal(name, created.UserName);
        Assert.Contains(await Iam.ListUsersAsync(), u => u.UserName == name);
        Assert.Equal(created.Arn, (await Iam.GetUserAsync(name))!.Arn);
        Assert.Contains(await Iam.ListUserTagsAsync(name), t => t is { Key: "portal:email", Value: "u@example.com" });
        Assert.Contains(await Iam.ListGroupsForUserAsync(name), g => g.GroupName == group);
        Assert.Contains(await Iam.GetGroupMembersAsync(group), u => u.UserName == name);
        Assert.Contains(await Iam.ListGroupsAsync(), g => g.GroupName == group);
        var cli = await AwsCli.RunAsync(moto.Endpoint, "iam", "get-group", "--group-name", group);
        Assert.Equal(name, cli.GetProperty("Users")[0].GetProperty("UserName").GetString());
    }

    [Fact]
    public async Task GetUser_WhenMissing_ReturnsNull()
    {
        Assert.Null(await Iam.GetUserAsync($"nobody-{_suffix}"));
        Assert.Null(await Iam.GetRoleAsync($"norole-{_suffix}"));
        Assert.Null(await Iam.GetGroupAsync($"nogroup-{_suffix}"));
        Assert.Null(await Iam.GetInstanceProfileAsync($"noprofile-{_suffix}"));
    }

    [Fact]
    public async Task CreateUser_WhenExists_ThrowsEntityAlreadyExists()
    {
        var name = $"dup-{_suffix}";
        await Iam.CreateUserAsync(name);

        var error = await Assert.ThrowsAsync<AwsApiException>(() => Iam.CreateUserAsync(name));

        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.Equal("iam", error.Service);
    }

    [Fact]
    public async Task Roles_WithInstanceProfileAndPolicies_AreVisibleToTheCli()
    {
        var role = $"bastion-{_suffix}";
        var profile = $"bastion-profile-{_suffix}";

        await Iam.CreateRoleAsync(role, TrustPolicy, "Bastion role", [new("portal:managed", "true")]);
        await Iam.TagRoleAsync(role, [new("env", "test")]);
        await Iam.UpdateAssumeRolePolicyAsync(role, TrustPolicy);
        await Iam.AttachRolePolicyAsync(role, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
        var managed = await Iam.CreatePolicyAsync($"logging-{_suffix}", Policy, "Session logs");
        await Iam.AttachRolePolicyAsync(role, managed.Arn);
        await Iam.CreateInstanceProfileAsync(profile);
        await Iam.AddRoleToInstanceProfileAsync(profile, role);

        var fetched = await Iam.GetRoleAsync(role);
        Assert.NotNull(fetched);
        using (var trust = JsonDocument.Parse(fetched.AssumeRolePolicyDocument!))
        {
            Assert.Equal("ec2.amazonaws.com", trust.RootElement.GetProperty("Statement")[0].GetProperty("Principal").GetProperty("Service").GetString());
        }

        var attached = await Iam.ListAttachedRolePoliciesAsync(role);
        Assert.Contains(attached, p => p.PolicyName == "AmazonSSMManagedInstanceCore");
        Assert.Contains(attached, p => p.PolicyArn == managed.Arn);
        Assert.Equal([role], (await Iam.GetInstanceProfileAsync(profile))!.RoleNames);
        var cli = await AwsCli.RunAsync(moto.Endpoint, "iam", "get-instance-profile", "--instance-profile-name", profile);
        Assert.Equal(role, cli.GetProperty("InstanceProfile").GetProperty("Roles")[0].GetProperty("RoleName").GetString());

        await Iam.DetachRolePolicyAsync(role, managed.Arn);
        await Iam.RemoveRoleFromInstanceProfileAsync(profile, role);
        Assert.DoesNotContain(await Iam.ListAttachedRolePoliciesAsync(role), p => p.PolicyArn == managed.Arn);
        Assert.Empty((await Iam.GetInstanceProfileAsync(profile))!.RoleNames);
    }

    [Fact]
    public async Task ManagedPolicyVersions_CreateSetDefaultListDelete()
    {
        var policy = await Iam.CreatePolicyAsync($"versions-{_suffix}", Policy);
        var updated = Policy.Replace("s3:PutObject", "s3:GetEncryptionConfiguration", StringComparison.Ordinal);

        var v2 = await Iam.CreatePolicyVersionAsync(policy.Arn, updated, setAsDefault: true);

        Assert.Equal("v2", v2.VersionId);
        Assert.Equal("v2", (await Iam.GetPolicyAsync(policy.Arn))!.DefaultVersionId);
        Assert.Contains("s3:GetEncryptionConfiguration", (await Iam.GetPolicyVersionAsync(policy.Arn, "v2"))!.Document, StringComparison.Ordinal);
        Assert.Equal(2, (await Iam.ListPolicyVersionsAsync(policy.Arn)).Count);
        await Iam.DeletePolicyVersionAsync(policy.Arn, "v1");
        Assert.Single(await Iam.ListPolicyVersionsAsync(policy.Arn));
        var cli = await AwsCli.RunAsync(moto.Endpoint, "iam", "get-policy", "--policy-arn", policy.Arn);
        Assert.Equal("v2", cli.GetProperty("Policy").GetProperty("DefaultVersionId").GetString());
    }

    [Fact]
    public async Task InlinePolicies_OnUsersAndGroups_PutGetListDelete()
    {
        var user = $"inline-{_suffix}";
        var group = $"inline-group-{_suffix}";
        await Iam.CreateUserAsync(user);
        await Iam.CreateGroupAsync(group);

        await Iam.PutUserPolicyAsync(user, "portal-grant-1", Policy);
        await Iam.PutGroupPolicyAsync(group, "portal-grant-2", Policy);

        Assert.Equal(["portal-grant-1"], await Iam.ListUserPoliciesAsync(user));
        Assert.Equal(["portal-grant-2"], await Iam.ListGroupPoliciesAsync(group));
        using (var document = JsonDocument.Parse((await Iam.GetUserPolicyAsync(user, "portal-grant-1"))!))
        {
            Assert.Equal("s3:PutObject", document.RootElement.GetProperty("Statement")[0].GetProperty("Action").GetString());
        }

        var cli = await AwsCli.RunAsync(moto.Endpoint, "iam", "get-group-policy", "--group-name", group, "--policy-name", "portal-grant-2");
        Assert.Equal("portal-grant-2", cli.GetProperty("PolicyName").GetString());
        Assert.NotNull(await Iam.GetGroupPolicyAsync(group, "portal-grant-2"));

        Assert.True(await Iam.DeleteUserPolicyAsync(user, "portal-grant-1"));
        Assert.False(await Iam.DeleteUserPolicyAsync(user, "portal-grant-1"));
        Assert.True(await Iam.DeleteGroupPolicyAsync(group, "portal-grant-2"));
        Assert.Null(await Iam.GetUserPolicyAsync(user, "portal-grant-1"));
        Assert.Null(await Iam.GetGroupPolicyAsync(group, "portal-grant-2"));
    }

    [Fact]
    public async Task ListUsers_ManyUsers_ReturnsEveryOne()
    {
        var names = Enumerable.Range(0, 105).Select(i => $"page-{_suffix}-{i:D3}").ToList();
        foreach (var name in names)
        {
            await Iam.CreateUserAsync(name);
        }

        var listed = (await Iam.ListUsersAsync()).Select(u => u.UserName).ToHashSet();

        Assert.Superset(names.ToHashSet(), listed);
    }

    public void Dispose() => _services.Dispose();
}
