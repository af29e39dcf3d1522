using Portal.Core.Access;
using Portal.Core.Aws.Iam;
using Portal.Core.Setup;

namespace Portal.Tests.TestSupport;

/// <summary>The bastion users' boundary, as the wizard or an Admin would put it: the portal grants only to users that carry it (ADR 0015).</summary>
internal static class Boundaries
{
    /// <summary>Puts the default boundary (created when the account lacks it) on <paramref name="users"/>.</summary>
    public static async Task PutAsync(IIamClient iam, string account, params string[] users)
    {
        var arn = IamNames.PolicyArn("aws", account, SetupSettings.DefaultBoundaryPolicyName);
        if (await iam.GetPolicyAsync(arn) is null)
        {
            try
            {
                await iam.CreatePolicyAsync(SetupSettings.DefaultBoundaryPolicyName, GrantPolicy.Boundary("aws", MotoServerFixture.Region, account, ["i-0123456789abcdef0"]).ToJson());
            }
            catch (Portal.Core.Aws.AwsApiException ex) when (ex.ErrorCode == "EntityAlreadyExists")
            {
                // Another test, or the sandbox's seeder, made it first.
            }
        }

        foreach (var user in users)
        {
            await iam.PutUserPermissionsBoundaryAsync(user, arn);
        }
    }
}
