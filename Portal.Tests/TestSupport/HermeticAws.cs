using System.Runtime.CompilerServices;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Tests never touch a real AWS account: before any test runs, this process (and every portal it starts) forgets
/// the developer's AWS credentials and never probes the EC2 instance metadata address.
/// </summary>
internal static class HermeticAws
{
    [ModuleInitializer]
    internal static void Apply()
    {
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", "/nonexistent/aws-config");
    }
}
