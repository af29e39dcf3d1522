namespace Portal.Core.Persistence.KeyRing;

/// <summary>One key of the data-protection key ring as ASP.NET Core writes it (XML; its secret encrypted with KMS when configured).</summary>
internal sealed class DataProtectionKeyRecord
{
    public int Id { get; set; }

    public string? FriendlyName { get; set; }

    public required string Xml { get; set; }
}
