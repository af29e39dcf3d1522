using System.Text.Json.Nodes;
using Amazon.SimpleSystemsManagement.Model;
using Amazon.SimpleSystemsManagement;
using Portal.Core.Aws;
using Portal.Core.Text;

namespace Portal.Core.Setup.Steps;

/// <summary>
/// Step 4: the Session Manager preferences (<c>SSM-SessionManagerRunShell</c>, type Session): S3 logging to the
/// bucket under the prefix with encryption required, and the time limits. An update makes the new version the
/// default (the console reads the default, start-session the latest); identical content is no change.
/// </summary>
internal sealed class PreferencesStep(IAmazonSimpleSystemsManagement ssm) : ISetupStep
{
    private const string Document = SessionPreferences.DocumentName;

    /// <summary>What the preferences say for a setting they leave out.</summary>
    private static readonly Phrase None = new Phrase("none");

    public string Name => "preferences";

    public Phrase Title { get; } = new Phrase("Session Manager preferences");

    public async Task<StepInspection> InspectAsync(SetupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var wanted = context.Documents.PreferencesDocument;
        var files = new Dictionary<string, string>(StringComparer.Ordinal) { ["preferences.json"] = wanted };
        var current = new List<Phrase>();
        var changes = new List<PendingChange>();

        var description = await DescribeAsync(cancellationToken);
        if (description is null)
        {
            current.Add(new Phrase("No {0} document: Session Manager runs with its defaults (no transcripts).", Document));
            changes.Add(new(
                new(new Phrase("Create {0} with the chosen preferences.", Document), $"aws ssm create-document --name {Document} --document-type Session --document-format JSON --content file://preferences.json"),
                ct => Run("CreateDocument", () => ssm.CreateDocumentAsync(
                    new CreateDocumentRequest { Name = Document, Content = wanted, DocumentType = DocumentType.Session, DocumentFormat = DocumentFormat.JSON },
                    ct))));
            return new StepInspection(false, current, changes, files);
        }

        var (defaultVersion, latestVersion) = (description.DefaultVersion, description.LatestVersion);
        var defaultContent = await ContentAsync(defaultVersion, cancellationToken);
        var inForce = AwsEnvironment.ParsePreferences(defaultVersion ?? "1", defaultContent);
        current.Add(new Phrase("{0} version {1} is the default (latest {2}): bucket {3}, prefix {4}, S3 encryption {5}, idle timeout {6} min, maximum duration {7} min.", Document, defaultVersion, latestVersion, (object?)inForce.S3BucketName ?? None, (object?)inForce.S3KeyPrefix ?? None, inForce.S3EncryptionEnabled ? new Phrase("required") : new Phrase("not required"), (object?)inForce.IdleSessionTimeout ?? new Phrase("default"), (object?)inForce.MaxSessionDuration ?? None));
        if (Same(defaultContent, wanted))
        {
            if (latestVersion != defaultVersion)
            {
                current.Add(new Phrase("Version {0} differs from the default: start-session without a version uses it.", latestVersion));
            }

            return new StepInspection(true, current, changes, files);
        }

        var latestIsOurs = latestVersion != defaultVersion && Same(await ContentAsync(latestVersion, cancellationToken), wanted);
        if (latestIsOurs)
        {
            changes.Add(DefaultTo(latestVersion!));
        }
        else
        {
            changes.Add(new(
                new(new Phrase("Update {0} with the chosen preferences and make the new version the default.", Document), $"aws ssm update-document-default-version --name {Document} --document-version \"$(aws ssm update-document --name {Document} --content file://preferences.json --document-version '$LATEST' --query DocumentDescription.DocumentVersion --output text)\""),
                async ct => await DefaultTo(await UpdateAsync(wanted, ct)).ApplyAsync(ct)));
        }

        return new StepInspection(true, current, changes, files);
    }

    /// <summary>
    /// UpdateDocument with the wanted content; returns the version that holds it. SSM refuses content equal to the latest
    /// version's (DuplicateDocumentContent): that version is the one to make the default. It refuses a 1,001st version
    /// (DocumentVersionLimitExceeded): the Admin is told how to make room, since deleting versions is theirs to decide.
    /// </summary>
    private Task<string> UpdateAsync(string wanted, CancellationToken cancellationToken) =>
        Run("UpdateDocument", async () =>
        {
            try
            {
                var updated = await ssm.UpdateDocumentAsync(
                    new UpdateDocumentRequest { Name = Document, Content = wanted, DocumentVersion = "$LATEST", DocumentFormat = DocumentFormat.JSON },
                    cancellationToken);
                return updated.DocumentDescription.DocumentVersion;
            }
            catch (DuplicateDocumentContentException)
            {
                var latest = (await DescribeAsync(cancellationToken))?.LatestVersion;
                return latest is not null && Same(await ContentAsync(latest, cancellationToken), wanted)
                    ? latest
                    : throw new AwsApiException("ssm", "UpdateDocument", "DuplicateDocumentContent", $"SSM says a version of {Document} already holds these preferences, but its latest version ({latest}) does not: make that version the default with update-document-default-version.");
            }
            catch (DocumentVersionLimitExceededException ex)
            {
                throw new AwsApiException("ssm", "UpdateDocument", "DocumentVersionLimitExceeded", $"{Document} has the 1,000 versions SSM allows. Delete old versions that are not the default (aws ssm delete-document --name {Document} --document-version <n>) and apply again.", ex.StatusCode, ex.RequestId, ex);
            }
        });

    private PendingChange DefaultTo(string version) => new(
        new(new Phrase("Make version {0} of {1} the default.", version, Document), $"aws ssm update-document-default-version --name {Document} --document-version {version}"),
        ct => Run("UpdateDocumentDefaultVersion", () => ssm.UpdateDocumentDefaultVersionAsync(new UpdateDocumentDefaultVersionRequest { Name = Document, DocumentVersion = version }, ct)));

    /// <summary>Same preferences: the JSON alike, whatever its spacing and key order.</summary>
    private static bool Same(string? content, string wanted) =>
        content is not null && JsonNode.DeepEquals(JsonNode.Parse(content), JsonNode.Parse(wanted));

    private Task<DocumentDescription?> DescribeAsync(CancellationToken cancellationToken) =>
        Run("DescribeDocument", async () =>
        {
            try
            {
                return (await ssm.DescribeDocumentAsync(new DescribeDocumentRequest { Name = Document }, cancellationToken)).Document;
            }
            catch (InvalidDocumentException)
            {
                return null;
            }
        });

    private Task<string?> ContentAsync(string? version, CancellationToken cancellationToken) =>
        Run<string?>("GetDocument", async () =>
            (await ssm.GetDocumentAsync(new GetDocumentRequest { Name = Document, DocumentVersion = version, DocumentFormat = DocumentFormat.JSON }, cancellationToken)).Content);

    private static Task<T> Run<T>(string operation, Func<Task<T>> call) => AwsSdkCall.RunAsync("ssm", operation, call);
}
