namespace Portal.Core.Sandbox;

/// <summary>What one seeding run created; all zero when the sandbox was already seeded.</summary>
public sealed record SandboxSeedResult(int InstancesCreated, int UsersCreated, bool BoundaryCreated, bool BucketCreated, int TranscriptsUploaded)
{
    /// <summary>True when nothing had to be created.</summary>
    public bool WasAlreadySeeded => InstancesCreated == 0 && UsersCreated == 0 && !BoundaryCreated && !BucketCreated && TranscriptsUploaded == 0;
}
