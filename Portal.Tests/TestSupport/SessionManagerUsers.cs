using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Starts Session Manager sessions as an IAM user would, with that user's own access key, against the sandbox's
/// session API (Portal.Web/Sandbox/moto): the session's owner is the user's ARN, path included.
/// </summary>
internal static class SessionManagerUsers
{
    public static async Task<string> StartSessionAsync(Uri endpoint, string userName, string instanceId)
    {
        using var client = await ClientForAsync(endpoint, userName);
        var started = await client.StartSessionAsync(new StartSessionRequest { Target = instanceId, DocumentName = "SSM-SessionManagerRunShell" });
        return started.SessionId;
    }

    private static async Task<AmazonSimpleSystemsManagementClient> ClientForAsync(Uri endpoint, string userName)
    {
        var key = (await AwsCli.RunAsync(endpoint, "iam", "create-access-key", "--user-name", userName)).GetProperty("AccessKey");
        return new AmazonSimpleSystemsManagementClient(
            new BasicAWSCredentials(key.GetProperty("AccessKeyId").GetString(), key.GetProperty("SecretAccessKey").GetString()),
            new AmazonSimpleSystemsManagementConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = MotoServerFixture.Region, MaxErrorRetry = 0 });
    }
}
