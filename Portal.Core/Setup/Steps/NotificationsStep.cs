using System.Text.Json.Nodes;
using Portal.Core.Aws.CloudTrail;
using Portal.Core.Aws.EventBridge;
using Portal.Core.Aws.Sns;
using Portal.Core.Text;

namespace Portal.Core.Setup.Steps;

/// <summary>
/// Step 5: login notifications. The SNS topic with its display name and a policy statement letting EventBridge
/// publish (merged into the topic's policy); an e-mail subscription per address, with its confirmation state; the
/// EventBridge rule for StartSession, ResumeSession and TerminateSession targeting the topic with a one-sentence
/// message; and a CloudTrail trail logging in the region, without which the rule never fires.
/// </summary>
internal sealed class NotificationsStep(ISnsClient sns, IEventBridgeClient events, ICloudTrailClient cloudTrail) : ISetupStep
{
    public string Name => "notifications";

    public Phrase Title { get; } = new Phrase("Login notifications");

    public async Task<StepInspection> InspectAsync(SetupContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (settings, documents) = (context.Settings, context.Documents);
        var current = new List<Phrase>();
        var changes = new List<PendingChange>();
        var topicArn = documents.TopicArn;
        var topic = settings.TopicName;

        // The topic, its display name and its policy.
        var exists = (await sns.ListTopicsAsync(cancellationToken)).Contains(topicArn, StringComparer.Ordinal);
        var attributes = exists ? await sns.GetTopicAttributesAsync(topicArn, cancellationToken) : null;
        var policy = attributes?.GetValueOrDefault("Policy");
        var merged = SetupDocuments.Merge(policy, documents.EventBridgePublish);
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["topic-policy.json"] = merged,

            // JSON, not shorthand: a display name may hold the quotes and commas shorthand parses.
            ["topic-attributes.json"] = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["DisplayName"] = settings.TopicDisplayName }, Indented),
        };
        if (!exists)
        {
            current.Add(new Phrase("No topic {0}.", topic));
            changes.Add(new(
                new(new Phrase("Create the topic {0} ({1}).", topic, settings.TopicDisplayName), $"aws sns create-topic --name {topic} --attributes file://topic-attributes.json"),
                ct => sns.CreateTopicAsync(topic, [new("DisplayName", settings.TopicDisplayName)], ct)));
        }
        else
        {
            current.Add(attributes?.GetValueOrDefault("DisplayName") is { } shown ? new Phrase("The topic {0} exists ({1}).", topic, shown) : new Phrase("The topic {0} exists (no display name).", topic));
            if (attributes?.GetValueOrDefault("DisplayName") != settings.TopicDisplayName)
            {
                changes.Add(new(
                    new(new Phrase("Set the topic's display name to {0}.", settings.TopicDisplayName), $"aws sns set-topic-attributes --topic-arn {topicArn} --attribute-name DisplayName --attribute-value {SetupExport.ShellQuote(settings.TopicDisplayName)}"),
                    ct => sns.SetTopicAttributesAsync(topicArn, "DisplayName", settings.TopicDisplayName, ct)));
            }
        }

        if (!SetupDocuments.Contains(policy, documents.EventBridgePublish))
        {
            changes.Add(new(
                new(new Phrase("Let EventBridge publish to the topic (a statement added to its policy, the others kept)."), $"aws sns set-topic-attributes --topic-arn {topicArn} --attribute-name Policy --attribute-value file://topic-policy.json"),
                async ct =>
                {
                    // Read again: a topic just created has a default policy to keep.
                    var now = (await sns.GetTopicAttributesAsync(topicArn, ct))?.GetValueOrDefault("Policy");
                    await sns.SetTopicAttributesAsync(topicArn, "Policy", SetupDocuments.Merge(now, documents.EventBridgePublish), ct);
                }));
        }
        else
        {
            current.Add(new Phrase("EventBridge may publish to the topic."));
        }

        // A subscription per address.
        var subscriptions = exists ? await sns.ListSubscriptionsByTopicAsync(topicArn, cancellationToken) : [];
        foreach (var subscription in subscriptions.Where(s => s.Protocol == "email"))
        {
            current.Add(subscription.IsPendingConfirmation ? new Phrase("{0}: waiting for the recipient to confirm.", subscription.Endpoint) : new Phrase("{0}: confirmed.", subscription.Endpoint));
        }

        foreach (var email in settings.NotificationEmails.Where(e => !subscriptions.Any(s => s.Protocol == "email" && string.Equals(s.Endpoint, e, StringComparison.OrdinalIgnoreCase))))
        {
            changes.Add(new(
                new(new Phrase("Subscribe {0} (SNS mails a confirmation link).", email), $"aws sns subscribe --topic-arn {topicArn} --protocol email --notification-endpoint {SetupExport.ShellQuote(email)}"),
                ct => sns.SubscribeAsync(topicArn, "email", email, ct)));
        }

        // The rules and their targets: one sentence per kind of event.
        foreach (var login in documents.LoginRules)
        {
            files[$"event-pattern{login.Suffix}.json"] = login.EventPattern;
            files[$"targets{login.Suffix}.json"] = TargetsJson(login.Target);
            var rule = await events.DescribeRuleAsync(login.Name, cancellationToken);
            var patternMatches = rule?.EventPattern is { } pattern && JsonNode.DeepEquals(JsonNode.Parse(pattern), JsonNode.Parse(login.EventPattern));
            if (rule is null || !patternMatches || rule.State != "ENABLED")
            {
                current.Add(rule is null ? new Phrase("No rule {0}.", login.Name) : (patternMatches ? new Phrase("The rule {0} is {1}.", login.Name, rule.State) : new Phrase("The rule {0} is {1} with another pattern.", login.Name, rule.State)));
                changes.Add(new(
                    new(rule is null ? new Phrase("Create the rule {0}: {1}.", login.Name, login.Matches) : new Phrase("Update the rule {0}: {1}.", login.Name, login.Matches), $"aws events put-rule --name {login.Name} --event-pattern file://event-pattern{login.Suffix}.json --state ENABLED --description {SetupExport.ShellQuote(login.Description)}"),
                    ct => events.PutRuleAsync(login.Name, login.EventPattern, login.Description, enabled: true, ct)));
            }
            else
            {
                current.Add(new Phrase("The rule {0} matches: {1}.", login.Name, login.Matches));
            }

            var targets = rule is null ? [] : await events.ListTargetsByRuleAsync(login.Name, cancellationToken);
            if (!targets.Any(t => SameTarget(t, login.Target)))
            {
                changes.Add(new(
                    new(new Phrase("Mail {0}'s events through the topic as: {1}", login.Name, login.Target.InputTransformer!.InputTemplate), $"aws events put-targets --rule {login.Name} --targets file://targets{login.Suffix}.json"),
                    ct => events.PutTargetsAsync(login.Name, [login.Target], ct)));
            }
            else
            {
                current.Add(new Phrase("The rule {0} mails its events through the topic.", login.Name));
            }
        }

        // A trail logging in the region.
        await InspectTrailAsync(context, current, changes, files, cancellationToken);
        return new StepInspection(exists, current, changes, files);
    }

    private async Task InspectTrailAsync(SetupContext context, List<Phrase> current, List<PendingChange> changes, Dictionary<string, string> files, CancellationToken cancellationToken)
    {
        var (settings, documents) = (context.Settings, context.Documents);
        var trails = (await cloudTrail.DescribeTrailsAsync(cancellationToken))
            .Where(t => t.IsMultiRegionTrail || t.HomeRegion == documents.Region)
            .ToList();
        var oursLogging = false;
        foreach (var trail in trails)
        {
            if (await cloudTrail.IsLoggingAsync(trail.TrailArn, cancellationToken) != true)
            {
                continue;
            }

            if ((await cloudTrail.GetEventSelectorsAsync(trail.TrailArn, cancellationToken)).LogsSessionManagerWrites)
            {
                current.Add(trail.IsMultiRegionTrail
                    ? new Phrase("The trail {0} is logging Session Manager's calls in every region.", trail.Name)
                    : new Phrase("The trail {0} is logging Session Manager's calls in {1}.", trail.Name, documents.Region));
                return;
            }

            oursLogging |= trail.Name == settings.TrailName;
            current.Add(new Phrase("The trail {0} is logging, but its event selectors leave out write management events from Session Manager: StartSession never reaches the rules through it.", trail.Name));
        }

        var ours = trails.FirstOrDefault(t => t.Name == settings.TrailName);
        if (!settings.CreateTrailIfMissing)
        {
            current.Add(new Phrase("Warning: no CloudTrail trail is logging Session Manager's calls in {0}, so the rules never fire. Choose to create one, or start logging on an existing trail.", documents.Region));
            return;
        }

        if (ours is null)
        {
            if (settings.Encryption == BucketEncryption.SseKms)
            {
                files["trail-key-statement.json"] = new PolicyDocument([documents.CloudTrailKeyStatement]).ToJson();
                current.Add(new Phrase("The bucket encrypts with {0}: CloudTrail can write there only if that key's policy lets cloudtrail.amazonaws.com use it (trail-key-statement.json; aws kms put-key-policy). The wizard does not change a key it did not make.", settings.KmsKeyArn));
            }

            changes.Add(new(
                new(new Phrase("Create the trail {0} (every region, management events) writing to {1}.", settings.TrailName, settings.BucketName), $"aws cloudtrail create-trail --name {settings.TrailName} --s3-bucket-name {settings.BucketName} --is-multi-region-trail"),
                ct => cloudTrail.CreateTrailAsync(settings.TrailName, settings.BucketName, isMultiRegionTrail: true, ct)));
        }
        else if (!(await cloudTrail.GetEventSelectorsAsync(ours.TrailArn, cancellationToken)).LogsSessionManagerWrites)
        {
            changes.Add(new(
                new(new Phrase("Log every management event on the trail {0} again (its event selectors leave Session Manager's writes out).", settings.TrailName), $"aws cloudtrail put-event-selectors --trail-name {settings.TrailName} --event-selectors '[{{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}}]'"),
                ct => cloudTrail.LogAllManagementEventsAsync(settings.TrailName, ct)));
        }

        if (!oursLogging)
        {
            changes.Add(new(
                new(new Phrase("Start logging on the trail {0}.", settings.TrailName), $"aws cloudtrail start-logging --name {settings.TrailName}"),
                ct => cloudTrail.StartLoggingAsync(settings.TrailName, ct)));
        }
    }

    /// <summary>The same destination and the same sentence: what EventBridge would deliver is alike.</summary>
    private static bool SameTarget(EventTarget found, EventTarget wanted) =>
        found.Id == wanted.Id
        && found.Arn == wanted.Arn
        && found.InputTransformer is { } transformer
        && transformer.InputTemplate == wanted.InputTransformer!.InputTemplate
        && transformer.InputPathsMap.Count == wanted.InputTransformer.InputPathsMap.Count
        && wanted.InputTransformer.InputPathsMap.All(p => transformer.InputPathsMap.TryGetValue(p.Key, out var path) && path == p.Value);

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// The whole targets list as PutTargets takes it: the CLI reads <c>file://</c> only as a whole parameter's value, so
    /// the input transformer cannot be a file inside shorthand.
    /// </summary>
    private static string TargetsJson(EventTarget target) =>
        System.Text.Json.JsonSerializer.Serialize(
            new[] { new { target.Id, target.Arn, InputTransformer = new { target.InputTransformer!.InputPathsMap, target.InputTransformer.InputTemplate } } },
            Indented);
}
