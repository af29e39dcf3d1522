using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Aws;

/// <summary>How the portal reaches AWS. Bound from <c>Portal:Aws</c>.</summary>
public sealed class PortalAwsOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Portal:Aws";

    /// <summary>The default sandbox endpoint, where the portal starts moto when nothing answers.</summary>
    public const string DefaultSandboxServiceUrl = "http://127.0.0.1:4566";

    /// <summary>Sandbox or a real account. Defaults to <see cref="AwsMode.Aws"/>; the Development environment sets Sandbox.</summary>
    public AwsMode Mode { get; set; } = AwsMode.Aws;

    /// <summary>The region every client uses, for example <c>ap-northeast-1</c>. Defaults to ap-northeast-1.</summary>
    [Required]
    [RegularExpression("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", ErrorMessage = "must be a region of the aws, aws-cn or aws-us-gov partition, such as ap-northeast-1 (the isolated partitions are not supported)")]
    public string Region { get; set; } = "ap-northeast-1";

    /// <summary>An optional named profile from the shared credentials file. Defaults to the default credential chain.</summary>
    [RegularExpression("^[A-Za-z0-9_.@-]{1,64}$", ErrorMessage = "must be a profile name of letters, digits and _ . @ -")]
    public string? Profile { get; set; }

    /// <summary>
    /// An optional endpoint that every AWS client is pointed at (moto, LocalStack). Defaults to the public AWS
    /// endpoints; in Sandbox mode defaults to <see cref="DefaultSandboxServiceUrl"/>.
    /// </summary>
    [Url(ErrorMessage = "must be an absolute http(s) URL such as http://127.0.0.1:4566")]
    public string? ServiceUrl { get; set; }

    /// <summary>The endpoint in effect: <see cref="ServiceUrl"/>, or the sandbox default in Sandbox mode.</summary>
    public Uri? EffectiveServiceUrl =>
        Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) ? url
        : Mode == AwsMode.Sandbox ? new Uri(DefaultSandboxServiceUrl)
        : null;
}
