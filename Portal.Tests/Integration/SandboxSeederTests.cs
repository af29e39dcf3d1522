using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;
using Portal.Core.Sandbox;
using Portal.Core.Sessions.Annotations;
using Portal.Core.Sessions.Redaction;
using Portal.Core.Setup;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>Seeding a fresh moto, then seeding again, checked with the AWS CLI.</summary>
public sealed class SandboxSeederTests : IAsyncLifetime
{
    private readonly MotoServerFixture _moto = new();
    private readonly TestDatabase _database = new();
    private ServiceProvider _services = default!;

    public async Task InitializeAsync()
    {
        // A moto of its own: this test needs an account with nothing in it.
        await _moto.InitializeAsync();
        _services = AwsClients.For(_moto, services =>
        {
            services.AddOptions<SandboxOptions>().Configure(o => o.TranscriptCount = 31);
            services.AddSingleton<IAwsEnvironment, AwsEnvironment>();
            services.AddAccess(_database, TimeProvider.System, o => o.BastionNameTag = "bastion");
            services.AddSingleton(new SecretMasker(Options.Create(new RedactionOptions())));
            services.AddSingleton<ISessionAnnotations>(sp => new SessionAnnotations(_database, sp.GetRequiredService<IAuditTrail>(), sp.GetRequiredService<SecretMasker>(), TimeProvider.System));
            services.AddSingleton<ISandboxSeeder, SandboxSeeder>();
        });
    }

    [Fact]
    public async Task SeedAsync_EmptyAccount_CreatesEverythingOnceAndIsIdempotent()
    {
        var seeder = _services.GetRequiredService<ISandboxSeeder>();

        var first = await seeder.SeedAsync();
        var second = await seeder.SeedAsync();

        Assert.Equal(new SandboxSeedResult(3, 5, true, true, 33), first); // 31 sessions, one cut short, one forged
        Assert.True(second.WasAlreadySeeded);

        // An auditor's tag, bookmark and comment on the tampered transcript, once: the bookmark on the line with sudo.
        var annotations = _services.GetRequiredService<ISessionAnnotations>();
        var tag = Assert.Single(await annotations.SearchAsync("needs-review", 10));
        var notes = await annotations.ListAsync(tag.SessionId);
        Assert.Equal([AnnotationKind.Tag, AnnotationKind.Comment, AnnotationKind.Bookmark], notes.Select(a => a.Kind));
        Assert.Contains("sudo", notes[2].Quote, StringComparison.Ordinal);

        const string bucket = "bastion-session-logs-sandbox";
        var objects = await AwsCli.RunAsync(_moto.Endpoint, "s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "sessionmanager/");
        var keys = objects.GetProperty("Contents").EnumerateArray().Select(o => o.GetProperty("Key").GetString()!).ToList();
        Assert.Equal(33, keys.Count);
        Assert.All(keys, k => Assert.Matches("^sessionmanager/[a-z]+-[0-9a-f]{17}\\.log$", k));

        // Versions kept, and one transcript written again without its sudo lines, as a grantee could: 34 versions of 33 keys.
        Assert.Equal("Enabled", (await AwsCli.RunAsync(_moto.Endpoint, "s3api", "get-bucket-versioning", "--bucket", bucket)).GetProperty("Status").GetString());
        var versions = (await AwsCli.RunAsync(_moto.Endpoint, "s3api", "list-object-versions", "--bucket", bucket, "--prefix", "sessionmanager/")).GetProperty("Versions").EnumerateArray().ToList();
        Assert.Equal(34, versions.Count);

        var encryption = await AwsCli.RunAsync(_moto.Endpoint, "s3api", "get-bucket-encryption", "--bucket", bucket);
        Assert.Equal("AES256", encryption.GetProperty("ServerSideEncryptionConfiguration").GetProperty("Rules")[0].GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
        var block = (await AwsCli.RunAsync(_moto.Endpoint, "s3api", "get-public-access-block", "--bucket", bucket)).GetProperty("PublicAccessBlockConfiguration");
        Assert.True(block.GetProperty("BlockPublicAcls").GetBoolean() && block.GetProperty("IgnorePublicAcls").GetBoolean()
            && block.GetProperty("BlockPublicPolicy").GetBoolean() && block.GetProperty("RestrictPublicBuckets").GetBoolean());

        var instances = await AwsCli.RunAsync(_moto.Endpoint, "ec2", "describe-instances", "--filters", "Name=tag:Name,Values=bastion");
        Assert.Single(instances.GetProperty("Reservations").EnumerateArray().SelectMany(r => r.GetProperty("Instances").EnumerateArray()));

        var users = (await AwsCli.RunAsync(_moto.Endpoint, "iam", "list-users")).GetProperty("Users").EnumerateArray().Select(u => u.GetProperty("UserName").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "alice", "bob", "carol", "dave", "erin" }, users);
        foreach (var person in new[] { "alice", "bob", "carol", "dave", "erin" })
        {
            var boundary = (await AwsCli.RunAsync(_moto.Endpoint, "iam", "get-user", "--user-name", person)).GetProperty("User").GetProperty("PermissionsBoundary");
            Assert.Equal("arn:aws:iam::123456789012:policy/PortalBastionBoundary", boundary.GetProperty("PermissionsBoundaryArn").GetString());
        }

        // Session Manager's record: the transcripts' sessions ended, dave and erin live under bob's grants to each.
        var bastion = instances.GetProperty("Reservations")[0].GetProperty("Instances")[0].GetProperty("InstanceId").GetString();
        var live = (await AwsCli.RunAsync(_moto.Endpoint, "ssm", "describe-sessions", "--state", "Active")).GetProperty("Sessions").EnumerateArray().ToList();
        Assert.Equal(["arn:aws:iam::123456789012:user/dave", "arn:aws:iam::123456789012:user/erin"], live.Select(s => s.GetProperty("Owner").GetString()).Order(StringComparer.Ordinal));
        Assert.All(live, s => Assert.Equal(bastion, s.GetProperty("Target").GetString()));
        var history = (await AwsCli.RunAsync(_moto.Endpoint, "ssm", "describe-sessions", "--state", "History")).GetProperty("Sessions").EnumerateArray().ToList();
        var ids = history.Select(s => s.GetProperty("SessionId").GetString()!).ToHashSet();
        var transcripts = keys.Select(k => k["sessionmanager/".Length..^".log".Length]).ToList();
        Assert.Single(transcripts, t => !ids.Contains(t)); // the forged one: no session explains it
        Assert.Contains("dave-0f1e2d3c4b5a69788", ids); // a session without its transcript
        Assert.Equal("AWS-StartPortForwardingSession", history.Single(s => s.GetProperty("SessionId").GetString() == "bob-0a9b8c7d6e5f40312").GetProperty("DocumentName").GetString());
        Assert.All(history, s => Assert.True(s.GetProperty("EndDate").GetDouble() > s.GetProperty("StartDate").GetDouble()));
        Assert.DoesNotContain(SandboxSeeder.LongAgoSessionId, ids); // 45 days old: past Session Manager's 30 days...
        var started = (await AwsCli.RunAsync(_moto.Endpoint, "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=StartSession"))
            .GetProperty("Events").EnumerateArray().Select(e => System.Text.Json.JsonDocument.Parse(e.GetProperty("CloudTrailEvent").GetString()!).RootElement.GetProperty("responseElements").GetProperty("sessionId").GetString()).ToList();
        Assert.Contains(SandboxSeeder.LongAgoSessionId, started); // ...but in CloudTrail's event history
        var dated = await AwsCli.RunAsync(_moto.Endpoint, "s3api", "list-object-versions", "--bucket", bucket, "--prefix", "sessionmanager/");
        var firstVersions = dated.GetProperty("Versions").EnumerateArray().GroupBy(v => v.GetProperty("Key").GetString()).Select(g => g.Last()).ToList();
        Assert.Equal(33, firstVersions.Count);
        Assert.True(firstVersions.Count(v => v.GetProperty("LastModified").GetDateTimeOffset() < DateTimeOffset.UtcNow.AddHours(-1)) >= 30); // at their sessions' ends, over 30 days
        var daves = (await AwsCli.RunAsync(_moto.Endpoint, "iam", "list-user-policies", "--user-name", "dave")).GetProperty("PolicyNames");
        var erins = (await AwsCli.RunAsync(_moto.Endpoint, "iam", "list-user-policies", "--user-name", "erin")).GetProperty("PolicyNames");
        Assert.Equal(("portal-grant-1", "portal-grant-2"), (Assert.Single(daves.EnumerateArray()).GetString(), Assert.Single(erins.EnumerateArray()).GetString()));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _moto.DisposeAsync();
        _database.Dispose();
    }
}
