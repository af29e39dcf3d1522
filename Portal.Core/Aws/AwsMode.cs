namespace Portal.Core.Aws;

/// <summary>Which AWS account the portal talks to.</summary>
public enum AwsMode
{
    /// <summary>A local moto server seeded with demo data; for trying the portal and for development.</summary>
    Sandbox,

    /// <summary>A real AWS account reached with the default credential chain.</summary>
    Aws,
}
