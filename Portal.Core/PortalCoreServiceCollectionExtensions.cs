using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Access;
using Portal.Core.ApiTokens;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Health;
using Portal.Core.Hosting;
using Portal.Core.Notifications;
using Portal.Core.Options;
using Portal.Core.Persistence;
using Portal.Core.Sandbox;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Index;
using Portal.Core.Sessions.Integrity;
using Portal.Core.Setup;
using Portal.Core.Setup.Steps;

namespace Portal.Core;

/// <summary>Registers the portal's domain and AWS access.</summary>
public static class PortalCoreServiceCollectionExtensions
{
    /// <summary>Adds options, AWS clients, persistence, the audit trail, API tokens, sandbox seeding and health checks.</summary>
    public static IServiceCollection AddPortalCore(this IServiceCollection services)
    {
        services.AddPortalAws();
        services.AddPortalPersistence();
        services.AddPortalReplicas();

        services.TryAddSingleton<IAuditTrail, AuditTrail>();
        services.TryAddSingleton<IApiTokenService, ApiTokenService>();
        services.TryAddSingleton<Identity.IPeople, Identity.People>();
        services.TryAddSingleton<IAwsEnvironment, AwsEnvironment>();
        services.AddPortalOptions<SetupOptions>(SetupOptions.SectionName);
        services.TryAddSingleton<PortalIdentity>();
        services.TryAddSingleton<SetupScope>();
        services.TryAddSingleton<ISetupEngine>(sp => sp.GetRequiredService<SetupScope>().Engine);
        services.TryAddSingleton<ISetupStore, SetupStore>();
        services.TryAddSingleton<ISetupWizard, SetupWizard>();
        services.AddPortalOptions<AccessOptions>(AccessOptions.SectionName)
            .PostConfigure<IOptions<PortalAwsOptions>>((access, aws) =>
            {
                if (aws.Value.Mode == AwsMode.Sandbox && access.Bastions.Count == 0)
                {
                    access.BastionNameTag ??= "bastion";
                }
            });
        services.AddPortalOptions<NotificationOptions>(NotificationOptions.SectionName);
        services.TryAddSingleton<INotifications, PortalNotifications>();
        services.TryAddSingleton<IIamUserMapper, IamUserMapper>();
        services.AddPortalAccess();

        services.AddSetupSteps();

        services.AddPortalOptions<SessionLogOptions>(SessionLogOptions.SectionName)
            .PostConfigure<IOptions<PortalAwsOptions>, IOptions<SandboxOptions>>((sessions, aws, sandbox) =>
            {
                if (aws.Value.Mode == AwsMode.Sandbox && string.IsNullOrWhiteSpace(sessions.Bucket))
                {
                    sessions.Bucket = sandbox.Value.LogBucket;
                }
            });
        services.TryAddSingleton<ISessionLogLocation, SessionLogLocation>();
        services.TryAddSingleton(sp => new Sessions.Terminal.RenderBudget(sp.GetRequiredService<IOptions<SessionLogOptions>>().Value.RenderBudgetBytes));
        services.TryAddSingleton<ISessionLogStore, S3SessionLogStore>();
        services.TryAddSingleton<SharedRenders>();
        services.TryAddSingleton<IRenderStatus, RenderStatusReader>();
        services.TryAddSingleton<S3SessionTranscripts>();
        services.TryAddSingleton<ISessionTranscripts>(sp => sp.GetRequiredService<S3SessionTranscripts>());
        services.TryAddSingleton<ITranscriptObjects>(sp => sp.GetRequiredService<S3SessionTranscripts>());
        services.TryAddSingleton<ITranscriptReader, AuditedTranscriptReader>();
        services.AddPortalOptions<SessionFlagOptions>(SessionFlagOptions.SectionName);
        services.AddPortalOptions<Sessions.Redaction.RedactionOptions>(Sessions.Redaction.RedactionOptions.SectionName)
            .Validate(Sessions.Redaction.SecretMasker.PatternsAreValid, $"{Sessions.Redaction.RedactionOptions.SectionName}:Patterns holds a pattern that is not a valid .NET regular expression.");
        services.TryAddSingleton<Sessions.Redaction.SecretMasker>();
        services.TryAddSingleton<ICommandExtractor, CommandExtractor>();
        services.TryAddSingleton<ISessionHistory, SsmSessionHistory>();
        services.AddPortalOptions<Sessions.Coverage.CoverageOptions>(Sessions.Coverage.CoverageOptions.SectionName)
            .PostConfigure<IOptions<PortalAwsOptions>>((coverage, aws) =>
            {
                if (aws.Value.Mode == AwsMode.Sandbox && coverage.GracePeriod == TimeSpan.FromMinutes(15))
                {
                    coverage.GracePeriod = TimeSpan.FromMinutes(1);
                }
            });
        services.TryAddSingleton<Sessions.Coverage.CloudTrailSessions>();
        services.TryAddSingleton<Sessions.Coverage.ISessionCoverage, Sessions.Coverage.SessionCoverage>();
        services.TryAddSingleton<Sessions.Annotations.ISessionAnnotations, Sessions.Annotations.SessionAnnotations>();
        services.TryAddSingleton<Sessions.Evidence.IEvidenceBundles, Sessions.Evidence.EvidenceBundles>();
        services.AddPortalIntegrity();
        services.AddPortalOptions<SessionIndexOptions>(SessionIndexOptions.SectionName);
        services.TryAddSingleton(sp => new SessionIndex(
            sp.GetRequiredService<IOptions<SessionIndexOptions>>().Value.FilePath is { Length: > 0 } path
                ? path
                : sp.GetRequiredService<DatabaseLocation>().IndexFilePath));
        services.TryAddSingleton<ISessionIndex>(sp => sp.GetRequiredService<SessionIndex>());
        services.TryAddSingleton<SessionIndexer>();
        services.TryAddSingleton<ISessionIndexStatus>(sp => sp.GetRequiredService<SessionIndexer>());
        services.AddHostedService(sp => sp.GetRequiredService<SessionIndexer>());

        services.AddPortalOptions<SandboxOptions>(SandboxOptions.SectionName);
        services.TryAddSingleton<ISandboxSeeder, SandboxSeeder>();

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<AwsHealthCheck>("aws");
        services.TryAddSingleton<AwsHealthCheck>(); // one instance, so its cached answer outlives a request
        return services;
    }

    /// <summary>Access by capability: requests and decisions, grants and their IAM policies, live sessions, findings.</summary>
    internal static void AddPortalAccess(this IServiceCollection services)
    {
        services.TryAddSingleton<IBastionDirectory, BastionDirectory>();
        services.TryAddSingleton<ILiveSessions, LiveSessions>();
        services.TryAddSingleton<AccessNotifier>();
        services.TryAddSingleton<GrantStore>();
        services.TryAddSingleton<GrantBoundary>();
        services.TryAddSingleton<SessionEnforcer>();
        services.TryAddSingleton<ILiveSessionService>(sp => sp.GetRequiredService<SessionEnforcer>());
        services.TryAddSingleton<AccessGrants>();
        services.TryAddSingleton<IAccessGrants>(sp => sp.GetRequiredService<AccessGrants>());
        services.TryAddSingleton<AccessRequests>();
        services.TryAddSingleton<IAccessRequests>(sp => sp.GetRequiredService<AccessRequests>());
        services.TryAddSingleton<AccessFindings>();
        services.TryAddSingleton<IAccessFindings>(sp => sp.GetRequiredService<AccessFindings>());
        services.TryAddSingleton<AccessMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessMaintenance>());
        services.AddSingleton<LeasedJob>(sp => sp.GetRequiredService<AccessMaintenance>());
    }

    /// <summary>Signed digests of the log bucket: the writer (a hosted service), verification and evidence.</summary>
    private static void AddPortalIntegrity(this IServiceCollection services)
    {
        services.AddPortalOptions<IntegrityOptions>(IntegrityOptions.SectionName)
            .PostConfigure<IOptions<PortalAwsOptions>>((integrity, aws) =>
            {
                // The sandbox shows a chain within minutes: digests every minute, written 10 s after each.
                if (aws.Value.Mode == AwsMode.Sandbox)
                {
                    integrity.DigestInterval = integrity.DigestInterval == TimeSpan.FromHours(1) ? TimeSpan.FromMinutes(1) : integrity.DigestInterval;
                    integrity.Settle = integrity.Settle == TimeSpan.FromMinutes(5) ? TimeSpan.FromSeconds(10) : integrity.Settle;
                }
            });
        services.TryAddSingleton<DigestStore>();
        services.TryAddSingleton<IDigestSigner, KmsDigestSigner>();
        services.TryAddSingleton<DigestWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DigestWriter>());
        services.AddSingleton<LeasedJob>(sp => sp.GetRequiredService<DigestWriter>());
        services.TryAddSingleton<ITranscriptDigests, TranscriptDigests>();
    }

    /// <summary>What several replicas share: this one's name, the jobs' leases, and changes that open pages follow.</summary>
    internal static void AddPortalReplicas(this IServiceCollection services)
    {
        services.AddPortalOptions<ReplicaOptions>(ReplicaOptions.SectionName);
        services.TryAddSingleton<ReplicaIdentity>();
        services.TryAddSingleton<JobLeases>();
        services.TryAddSingleton<IPortalWorkers, PortalWorkers>();
        services.TryAddSingleton<PortalChanges>();
        services.TryAddSingleton<IPortalChanges>(sp => sp.GetRequiredService<PortalChanges>());
        services.AddHostedService(sp => sp.GetRequiredService<PortalChanges>());
    }

    private static void AddPortalPersistence(this IServiceCollection services)
    {
        services.AddPortalOptions<PersistenceOptions>(PersistenceOptions.SectionName);
        services.TryAddSingleton<DatabaseLocation>();
        services.TryAddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory>();
        services.TryAddSingleton<IPortalDatabase, PortalDatabase>();
    }

    /// <summary>The wizard's steps, in the order they run.</summary>
    internal static IServiceCollection AddSetupSteps(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISetupStep, LogBucketStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISetupStep, BastionRoleStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISetupStep, PreferencesStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISetupStep, NotificationsStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISetupStep, EndUserPolicyStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISetupStep, BoundaryStep>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISetupStep, DigestKeyStep>());
        return services;
    }
}
