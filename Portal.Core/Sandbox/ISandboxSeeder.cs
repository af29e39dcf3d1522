namespace Portal.Core.Sandbox;

/// <summary>Fills an empty sandbox account with demo data. Idempotent: a second run creates nothing.</summary>
public interface ISandboxSeeder
{
    /// <summary>Creates what is missing: instances, IAM users and group, the log bucket and transcripts.</summary>
    /// <exception cref="Aws.AwsApiException">An AWS call failed; what was created before it stays.</exception>
    Task<SandboxSeedResult> SeedAsync(CancellationToken cancellationToken = default);
}
