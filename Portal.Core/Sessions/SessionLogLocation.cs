using Microsoft.Extensions.Options;
using Portal.Core.Setup;

namespace Portal.Core.Sessions;

/// <summary>Where Session Manager writes transcripts, as the portal reads them.</summary>
/// <param name="Bucket">The log bucket.</param>
/// <param name="Prefix">The key prefix, ending in '/'.</param>
public sealed record SessionLogSource(string Bucket, string Prefix)
{
    /// <summary>The source as an S3 URI: <c>s3://bucket/prefix</c>.</summary>
    public override string ToString() => $"s3://{Bucket}/{Prefix}";
}

/// <summary>
/// The transcripts' bucket and prefix: those of the setup the wizard last applied (the preferences point there), else
/// <c>Portal:Sessions</c> (a setup made by hand, or the sandbox's bucket).
/// </summary>
public interface ISessionLogLocation
{
    /// <summary>The source, or <see langword="null"/> when neither a setup nor configuration names a bucket.</summary>
    ValueTask<SessionLogSource?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets the answer, so the next <see cref="GetAsync"/> reads the saved setup again (after an apply).</summary>
    void Refresh();
}

internal sealed class SessionLogLocation(ISetupStore setups, IOptions<SessionLogOptions> options) : ISessionLogLocation
{
    private Task<SessionLogSource?>? _source;

    public ValueTask<SessionLogSource?> GetAsync(CancellationToken cancellationToken = default)
    {
        var source = _source;
        if (source is null || source.IsFaulted || source.IsCanceled)
        {
            source = _source = ReadAsync();
        }

        return new ValueTask<SessionLogSource?>(source.WaitAsync(cancellationToken));
    }

    public void Refresh() => _source = null;

    private async Task<SessionLogSource?> ReadAsync()
    {
        if (await setups.GetAsync(CancellationToken.None) is { } saved)
        {
            return new SessionLogSource(saved.Settings.BucketName, SetupSettings.KeyPrefix + "/");
        }

        var configured = options.Value;
        return string.IsNullOrWhiteSpace(configured.Bucket) ? null : new SessionLogSource(configured.Bucket, configured.Prefix);
    }
}
