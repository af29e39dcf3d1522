using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Access;
using Portal.Core.Audit;
using Portal.Core.Notifications;
using Portal.Core.Aws;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>
/// Requests, decisions and grants against moto's IAM, each effect read back with the <c>aws</c> CLI; the clock is
/// fake, so expiry is a step of the test. Live sessions are started as the IAM users themselves (with their own access
/// keys; dave has an IAM path) over the wire against the sandbox's session API, and read back with
/// <c>aws ssm describe-sessions</c>; a wrapper fails DescribeSessions on demand for the error paths.
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class SqliteAccessGrantTests(MotoServerFixture moto) : AccessGrantTests(moto, Portal.Core.Persistence.DatabaseProvider.Sqlite);

/// <summary>The same, with the portal's state on PostgreSQL (a throwaway cluster).</summary>
[Collection(MotoGroup.Name)]
public sealed class PostgreSqlAccessGrantTests(MotoServerFixture moto) : AccessGrantTests(moto, Portal.Core.Persistence.DatabaseProvider.PostgreSql);

public abstract class AccessGrantTests(MotoServerFixture moto, Portal.Core.Persistence.DatabaseProvider provider) : IAsyncLifetime
{
    private readonly TestDatabase _database = new(provider);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
    private readonly FailingLiveSessions _sessions = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Exception> _iamFaults = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private ServiceProvider _services = default!;
    private string _bastion = default!;
    private string? _topicArn;

    private string Dave => $"dave-{_suffix}";

    private string Erin => $"erin-{_suffix}";

    private IAccessRequests Requests => _services.GetRequiredService<IAccessRequests>();

    private IAccessGrants Grants => _services.GetRequiredService<IAccessGrants>();

    private AccessMaintenance Maintenance => _services.GetRequiredService<AccessMaintenance>();

    public async Task InitializeAsync()
    {
        _services = Build(requiredApprovals: 1);
        _bastion = await SetupServices.RunInstanceAsync(_services);
        await CliAsync("iam", "create-user", "--user-name", Dave, "--path", "/bastion-users/");
        await CliAsync("iam", "create-user", "--user-name", Erin);
        await Boundaries.PutAsync(_services.GetRequiredService<Portal.Core.Aws.Iam.IIamClient>(), "123456789012", Dave, Erin);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Approve_ByAnother_PutsTheGrantPolicy_WithTheInstanceTheDocumentAndTheWindow()
    {
        var request = await Requests.RequestAsync(Person("dave", Dave), new NewAccessRequest(_bastion, 120, "Rotate the TLS certificate", "OPS-42"));
        _time.Advance(TimeSpan.FromMinutes(3));

        var approved = await Requests.ApproveAsync(request.Id, Approver("bob"), "ok, during the window");

        Assert.Equal(AccessRequestState.Approved, approved.State);
        var grant = await Grants.GetAsync(approved.GrantId!.Value);
        Assert.Equal((GrantState.Active, $"user/{Dave}"), (grant.State, grant.Principal));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 11, 3, 0, TimeSpan.Zero), grant.ExpiresAt);
        var document = (await CliAsync("iam", "get-user-policy", "--user-name", Dave, "--policy-name", $"portal-grant-{grant.Id}")).GetProperty("PolicyDocument");
        var start = document.GetProperty("Statement")[0];
        Assert.Equal("ssm:StartSession", Strings(start.GetProperty("Action"))[0]);
        Assert.Contains($"arn:aws:ec2:{MotoServerFixture.Region}:123456789012:instance/{_bastion}", Strings(start.GetProperty("Resource")));
        Assert.Contains($"arn:aws:ssm:{MotoServerFixture.Region}:123456789012:document/SSM-SessionManagerRunShell", Strings(start.GetProperty("Resource")));
        var condition = start.GetProperty("Condition");
        Assert.Equal("true", condition.GetProperty("BoolIfExists").GetProperty("ssm:SessionDocumentAccessCheck").GetString());
        Assert.Equal("2026-11-27T09:02:00Z", condition.GetProperty("DateGreaterThan").GetProperty("aws:CurrentTime").GetString());
        Assert.Equal("2026-11-27T11:03:00Z", condition.GetProperty("DateLessThan").GetProperty("aws:CurrentTime").GetString()); // opened a minute before the approval
        var own = document.GetProperty("Statement")[1];
        Assert.Contains("ssmmessages:OpenDataChannel", Strings(own.GetProperty("Action")));
        Assert.Equal("${aws:userid}", own.GetProperty("Condition").GetProperty("StringEquals").GetProperty("ssm:resourceTag/aws:ssmmessages:session-id").GetString());
        var audit = await AuditAsync();
        Assert.Equal(["access.request", "access.approve", "grant.create", "grant.activate"], audit.Select(a => a.Action));
        Assert.Equal("bob", audit[1].Actor);
    }

    [Fact]
    public async Task Notices_TellApproversOfRequests_AndTheRequesterOfTheDecisionTheComingExpiryAndTheEnd()
    {
        _topicArn = (await CliAsync("sns", "create-topic", "--name", $"portal-notices-{_suffix}")).GetProperty("TopicArn").GetString();
        var queueUrl = (await CliAsync("sqs", "create-queue", "--queue-name", $"notices-{_suffix}")).GetProperty("QueueUrl").GetString()!;
        var queueArn = (await CliAsync("sqs", "get-queue-attributes", "--queue-url", queueUrl, "--attribute-names", "QueueArn")).GetProperty("Attributes").GetProperty("QueueArn").GetString()!;
        await CliAsync("sns", "subscribe", "--topic-arn", _topicArn!, "--protocol", "sqs", "--notification-endpoint", queueArn);
        var notices = _services.GetRequiredService<INotifications>();

        var request = await Requests.RequestAsync(Person("dave", Dave), new NewAccessRequest(_bastion, 30, "Clear the cache"));
        var forBob = await notices.ForAsync("bob", ["Approver"]);
        await Requests.ApproveAsync(request.Id, Approver("bob"));
        _time.Advance(TimeSpan.FromMinutes(20));
        await Maintenance.ExpireAsync(CancellationToken.None);
        await Maintenance.ExpireAsync(CancellationToken.None); // warned once
        _time.Advance(TimeSpan.FromMinutes(11));
        await Maintenance.ExpireAsync(CancellationToken.None);
        var forDave = await notices.ForAsync("dave", ["Requester"]);
        var mail = await CliAsync("sqs", "receive-message", "--queue-url", queueUrl, "--max-number-of-messages", "10");

        Assert.Contains($"dave asks for 30 min on {_bastion} (request {request.Id}): Clear the cache", Assert.Single(forBob).Text, StringComparison.Ordinal);
        Assert.Equal(3, forDave.Count); // newest first
        Assert.Contains("has expired", forDave[0].Text, StringComparison.Ordinal);
        Assert.Contains("ends in 10 min", forDave[1].Text, StringComparison.Ordinal);
        Assert.Contains("was approved by bob: you may start sessions", forDave[2].Text, StringComparison.Ordinal);
        var bodies = mail.GetProperty("Messages").EnumerateArray().Select(m => m.GetProperty("Body").GetString()!).ToList();
        Assert.Contains(bodies, b => b.Contains("asks for 30 min", StringComparison.Ordinal) && b.Contains("\"audience\"", StringComparison.Ordinal));

        // Each reader's language in the portal; both languages in a mail, as configured.
        var japanese = System.Globalization.CultureInfo.GetCultureInfo("ja");
        Assert.Equal($"dave さんが {_bastion} への 30 分 のアクセスを申請しています（申請 {request.Id}）: Clear the cache", forBob[0].TextIn(japanese));
        Assert.StartsWith($"{_bastion} へのアクセス（付与 ", forDave[0].TextIn(japanese), StringComparison.Ordinal);
        Assert.EndsWith("）の期限が切れました。", forDave[0].TextIn(japanese), StringComparison.Ordinal);
        var messages = bodies.Select(b => System.Text.Json.JsonDocument.Parse(b).RootElement.GetProperty("Message").GetString()!).ToList(); // SNS's envelope
        Assert.Contains(messages, m => m.Contains("asks for 30 min", StringComparison.Ordinal) && m.Contains("30 分 のアクセスを申請しています", StringComparison.Ordinal) && m.Contains("ポータル: /access", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approve_OwnRequest_IsRefused_AndChangesNothing()
    {
        var request = await Requests.RequestAsync(Person("erin", Erin), new NewAccessRequest(_bastion, 60, "Check the disk"));

        var refused = await Assert.ThrowsAsync<AccessException>(() => Requests.ApproveAsync(request.Id, Approver("erin")));
        var deny = await Assert.ThrowsAsync<AccessException>(() => Requests.DenyAsync(request.Id, "erin"));

        Assert.Equal(AccessRefusal.Conflict, refused.Refusal);
        Assert.Contains("own request", refused.Message, StringComparison.Ordinal);
        Assert.Equal(AccessRefusal.Conflict, deny.Refusal);
        Assert.Equal(AccessRequestState.Pending, (await Requests.GetAsync(request.Id)).State);
        Assert.Empty((await CliAsync("iam", "list-user-policies", "--user-name", Erin)).GetProperty("PolicyNames").EnumerateArray());
    }

    [Fact]
    public async Task Request_WithBadInput_NamesEachProblem_AndStoresNothing()
    {
        var bad = await Assert.ThrowsAsync<AccessException>(() => Requests.RequestAsync(Person("dave", Dave), new NewAccessRequest("i-0000000000000dead", 10_000, " ")));
        var unmapped = await Assert.ThrowsAsync<AccessException>(() => Requests.RequestAsync(new AccessPerson("frank"), new NewAccessRequest(_bastion, 60, "Look at logs")));
        var missing = await Assert.ThrowsAsync<AccessException>(() => Requests.RequestAsync(Person("gina", $"gina-{_suffix}"), new NewAccessRequest(_bastion, 60, "Look at logs")));

        Assert.Equal(AccessRefusal.Invalid, bad.Refusal);
        Assert.Equal(["durationMinutes", "reason", "targetInstanceId"], bad.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("1 to 480 minutes", bad.Errors["durationMinutes"][0], StringComparison.Ordinal);
        Assert.Contains("portal:iam_user claim is missing", unmapped.Errors["iamUser"][0], StringComparison.Ordinal);
        Assert.Contains("does not exist", missing.Errors["iamUser"][0], StringComparison.Ordinal);
        Assert.Empty(await Requests.ListAsync());
    }

    [Fact]
    public async Task TwoApprovers_AtOnce_MakeOneGrant()
    {
        var request = await Requests.RequestAsync(Person("dave", Dave), new NewAccessRequest(_bastion, 60, "Restart the service"));

        var outcomes = await Task.WhenAll(
            Attempt(() => Requests.ApproveAsync(request.Id, Approver("bob"))),
            Attempt(() => Requests.ApproveAsync(request.Id, Approver("erin"))),
            Attempt(() => Requests.ApproveAsync(request.Id, Approver("alice"))));

        Assert.Contains(outcomes, o => o is null);
        Assert.All(outcomes.OfType<AccessException>(), e => Assert.Equal(AccessRefusal.Conflict, e.Refusal));
        Assert.Single(await Grants.ListAsync("dave"));
        Assert.Single((await CliAsync("iam", "list-user-policies", "--user-name", Dave)).GetProperty("PolicyNames").EnumerateArray());
    }

    [Fact]
    public async Task Approve_WithTwoRequired_WaitsForASecondDistinctApprover()
    {
        await using var services = Build(requiredApprovals: 2);
        var access = services.GetRequiredService<IAccessRequests>();
        var request = await access.RequestAsync(Person("dave", Dave), new NewAccessRequest(_bastion, 60, "Patch the kernel"));

        var first = await access.ApproveAsync(request.Id, Approver("bob"));
        var again = await Assert.ThrowsAsync<AccessException>(() => access.ApproveAsync(request.Id, Approver("bob")));
        var second = await access.ApproveAsync(request.Id, Approver("erin"));

        Assert.Equal((AccessRequestState.Pending, (long?)null), (first.State, first.GrantId));
        Assert.Contains("already approved", again.Message, StringComparison.Ordinal);
        Assert.Equal(AccessRequestState.Approved, second.State);
        Assert.Equal(["bob", "erin"], second.Decisions.Select(d => d.Approver));
    }

    [Fact]
    public async Task Revoke_RemovesThePolicy_AndEndsTheGranteesLiveSessions_WhateverTheirIamPath()
    {
        var grant = await ActiveGrantAsync();
        var daves = await StartSessionAsync(Dave);
        var erins = await StartSessionAsync(Erin);

        var revoked = await Grants.RevokeAsync(grant.Id, "bob", "done early");

        Assert.Equal((GrantState.Revoked, "bob"), (revoked.State, revoked.RevokedBy));
        Assert.Contains($"ended 1 live session(s): {daves}", revoked.Note, StringComparison.Ordinal);
        Assert.Equal([erins], await ActiveSessionsAsync()); // someone else's session is not the revoke's business
        Assert.Contains(await AuditAsync(), a => a.Action == "session.terminate" && a.Target == $"session/{daves}" && a.Detail!.Contains($"grant {grant.Id} was revoked by bob", StringComparison.Ordinal));
        Assert.Empty((await CliAsync("iam", "list-user-policies", "--user-name", Dave)).GetProperty("PolicyNames").EnumerateArray());
        var again = await Assert.ThrowsAsync<AccessException>(() => Grants.RevokeAsync(grant.Id, "bob"));
        Assert.Equal(AccessRefusal.Conflict, again.Refusal);
    }

    [Fact]
    public async Task Revoke_WhereSessionsCannotBeListed_StillRemovesThePolicy_SaysSo_AndTheSweepEndsThemLater()
    {
        var grant = await ActiveGrantAsync();
        var daves = await StartSessionAsync(Dave);
        _sessions.Failure = new AwsApiException("ssm", "DescribeSessions", "ThrottlingException", "slow down");

        var revoked = await Grants.RevokeAsync(grant.Id, "bob");
        _time.Advance(TimeSpan.FromMinutes(20)); // past the follow-up window: only the unfinished sweep keeps it on the list
        await Enforcer.SweepAsync(CancellationToken.None);
        var stillFailing = await Grants.GetAsync(grant.Id);
        _sessions.Failure = null;
        await Enforcer.SweepAsync(CancellationToken.None);

        Assert.Equal(GrantState.Revoked, revoked.State);
        Assert.Contains("live sessions could not be ended yet: ssm DescribeSessions answered ThrottlingException", revoked.Note, StringComparison.Ordinal);
        Assert.Equal("ThrottlingException", stillFailing.ErrorCode);
        Assert.Empty(await ActiveSessionsAsync());
        Assert.Null((await Grants.GetAsync(grant.Id)).ErrorCode);
        Assert.Contains(await AuditAsync(), a => a.Action == "session.terminate" && a.Target == $"session/{daves}");
        Assert.Empty((await CliAsync("iam", "list-user-policies", "--user-name", Dave)).GetProperty("PolicyNames").EnumerateArray());
    }

    [Fact]
    public async Task Revoke_ThenASessionStartedWhileIamStillHonouredThePolicy_IsEndedByTheRepeatSweep_EvenInReportMode()
    {
        await _services.DisposeAsync();
        _services = Build(requiredApprovals: 1, EnforceSessionsMode.Report);
        var grant = await ActiveGrantAsync();
        await Grants.RevokeAsync(grant.Id, "bob");

        var late = await StartSessionAsync(Dave); // moto, like IAM for a few seconds, still lets it start
        _time.Advance(TimeSpan.FromSeconds(30));
        var ended = await Enforcer.SweepAsync(CancellationToken.None);

        Assert.Equal(1, ended);
        Assert.Empty(await ActiveSessionsAsync());
        Assert.Contains(await AuditAsync(), a => a.Action == "session.terminate" && a.Target == $"session/{late}" && a.Detail!.Contains($"grant {grant.Id} was revoked", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(EnforceSessionsMode.Terminate)]
    [InlineData(EnforceSessionsMode.Report)]
    public async Task Sweep_ASessionNoGrantCovers_IsEndedOrOnlyReported(EnforceSessionsMode mode)
    {
        await _services.DisposeAsync();
        _services = Build(requiredApprovals: 1, mode);
        var covered = await ActiveGrantAsync();
        var daves = await StartSessionAsync(Dave);
        var erins = await StartSessionAsync(Erin);

        await Enforcer.SweepAsync(CancellationToken.None);
        await Enforcer.SweepAsync(CancellationToken.None);
        var live = await _services.GetRequiredService<ILiveSessionService>().ListAsync();

        var audit = await AuditAsync();
        if (mode == EnforceSessionsMode.Terminate)
        {
            Assert.Equal([daves], await ActiveSessionsAsync());
            Assert.Contains(audit, a => a.Action == "session.terminate" && a.Target == $"session/{erins}" && a.Detail!.Contains($"no active portal grant covers user/{Erin}", StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal([daves, erins], (await ActiveSessionsAsync()).Order(StringComparer.Ordinal));
            Assert.Single(audit, a => a.Action == "session.unauthorized" && a.Target == $"session/{erins}"); // reported once
        }

        var mine = Assert.Single(live, s => s.SessionId == daves);
        Assert.Equal((covered.Id, Dave, "dave", _bastion), (mine.GrantId, mine.IamUser, mine.Person, mine.Target));
        Assert.Equal($"arn:aws:iam::123456789012:user/bastion-users/{Dave}", mine.Owner);
    }

    [Fact]
    public async Task Expiry_RemovesThePolicy_EndsTheLiveSession_AndUndecidedRequestsExpire()
    {
        var grant = await ActiveGrantAsync();
        var daves = await StartSessionAsync(Dave);
        var waiting = await Requests.RequestAsync(Person("erin", Erin), new NewAccessRequest(_bastion, 30, "Nobody answers"));
        _time.Advance(TimeSpan.FromMinutes(59));
        var early = await Maintenance.ExpireAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(2));
        var due = await Maintenance.ExpireAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(24));
        await Maintenance.ExpireAsync(CancellationToken.None);

        Assert.Equal((0, 1), (early, due));
        var expired = await Grants.GetAsync(grant.Id);
        Assert.Equal(GrantState.Expired, expired.State);
        Assert.Contains($"ended 1 live session(s): {daves}", expired.Note, StringComparison.Ordinal);
        Assert.Empty(await ActiveSessionsAsync());
        Assert.Empty((await CliAsync("iam", "list-user-policies", "--user-name", Dave)).GetProperty("PolicyNames").EnumerateArray());
        Assert.Equal(AccessRequestState.Expired, (await Requests.GetAsync(waiting.Id)).State);
        Assert.Contains(await AuditAsync(), a => a.Action == "grant.expire" && a.Actor == "portal");
    }

    [Fact]
    public async Task Grant_WhenIamFails_StaysApprovedWithTheCode_AndARetryMakesItActive()
    {
        var request = await Requests.RequestAsync(Person("dave", Dave), new NewAccessRequest(_bastion, 60, "Look around"));
        _iamFaults["PutUserPolicyAsync"] = new AwsApiException("iam", "PutUserPolicy", "LimitExceeded", "Cannot exceed quota for PolicySize: 2048");

        var approved = await Requests.ApproveAsync(request.Id, Approver("bob"));
        var failed = await Grants.GetAsync(approved.GrantId!.Value);
        var retried = await Grants.RetryAsync(failed.Id, "bob");

        Assert.Equal(AccessRequestState.Approved, approved.State);
        Assert.Equal((GrantState.Approved, "LimitExceeded"), (failed.State, failed.ErrorCode));
        Assert.Equal((GrantState.Active, (string?)null), (retried.State, retried.ErrorCode));
        Assert.Single((await CliAsync("iam", "list-user-policies", "--user-name", Dave)).GetProperty("PolicyNames").EnumerateArray());
    }

    [Fact]
    public async Task DirectGrant_ToAGroup_OrAnUnknownUser_IsRefused_AndWritesNothing()
    {
        var group = $"operators-{_suffix}";
        await CliAsync("iam", "create-group", "--group-name", group);
        await CliAsync("iam", "add-user-to-group", "--group-name", group, "--user-name", Dave); // every member bounded: still no

        var toGroup = await Assert.ThrowsAsync<AccessException>(() => GrantAsync(Approver("bob"), new NewGrant(PrincipalType.Group, group, _bastion, 30, "Incident 7")));
        var unknown = await Assert.ThrowsAsync<AccessException>(() => GrantAsync(Approver("bob"), new NewGrant(PrincipalType.User, $"nobody-{_suffix}", _bastion, 30, "x")));

        Assert.Equal((AccessRefusal.Invalid, AccessRefusal.Invalid), (toGroup.Refusal, unknown.Refusal));
        Assert.Contains("a group cannot carry a permissions boundary", toGroup.Errors["principalType"][0], StringComparison.Ordinal);
        Assert.Contains("IAM has no user", unknown.Errors["principalName"][0], StringComparison.Ordinal);
        Assert.Empty((await CliAsync("iam", "list-group-policies", "--group-name", group)).GetProperty("PolicyNames").EnumerateArray());
        Assert.Empty(await Grants.ListAsync());
    }

    [Fact]
    public async Task Grants_ToAUserWithoutTheBoundary_AreRefusedWithTheFix_AndOneThatLostItStaysApprovedUntilRetried()
    {
        var unbounded = $"frank-{_suffix}";
        await CliAsync("iam", "create-user", "--user-name", unbounded);
        var otherBoundary = (await CliAsync("iam", "create-policy", "--policy-name", $"Other-{_suffix}", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""")).GetProperty("Policy").GetProperty("Arn").GetString()!;

        var request = await Assert.ThrowsAsync<AccessException>(() => Requests.RequestAsync(Person("frank", unbounded), new NewAccessRequest(_bastion, 60, "Look around")));
        var direct = await Assert.ThrowsAsync<AccessException>(() => GrantAsync(Approver("bob"), new NewGrant(PrincipalType.User, unbounded, _bastion, 60, "Look around")));
        await CliAsync("iam", "put-user-permissions-boundary", "--user-name", unbounded, "--permissions-boundary", otherBoundary);
        var otherwiseBounded = await Assert.ThrowsAsync<AccessException>(() => GrantAsync(Approver("bob"), new NewGrant(PrincipalType.User, unbounded, _bastion, 60, "Look around")));

        // dave asks while bounded, loses the boundary before the decision: the approval is refused, nothing is written.
        var daves = await Requests.RequestAsync(Person("dave", Dave), new NewAccessRequest(_bastion, 60, "Deploy"));
        await CliAsync("iam", "delete-user-permissions-boundary", "--user-name", Dave);
        var approval = await Assert.ThrowsAsync<AccessException>(() => Requests.ApproveAsync(daves.Id, Approver("bob")));

        Assert.Equal(AccessRefusal.Invalid, request.Refusal);
        Assert.Contains($"The IAM user {unbounded} has no permissions boundary", request.Errors["iamUser"][0], StringComparison.Ordinal);
        Assert.Contains($"aws iam put-user-permissions-boundary --user-name {unbounded} --permissions-boundary arn:aws:iam::123456789012:policy/PortalBastionBoundary", direct.Errors["principalName"][0], StringComparison.Ordinal);
        Assert.Contains($"has the permissions boundary {otherBoundary}", otherwiseBounded.Errors["principalName"][0], StringComparison.Ordinal);
        Assert.Equal(AccessRefusal.Conflict, approval.Refusal);
        Assert.Equal(AccessRequestState.Pending, (await Requests.GetAsync(daves.Id)).State);
        Assert.Empty((await CliAsync("iam", "list-user-policies", "--user-name", unbounded)).GetProperty("PolicyNames").EnumerateArray());
        Assert.Empty((await CliAsync("iam", "list-user-policies", "--user-name", Dave)).GetProperty("PolicyNames").EnumerateArray());
    }

    [Fact]
    public async Task Sweep_WhenTerminateIsRefused_KeepsTrying_ButAuditsTheFailureOnce()
    {
        var erins = await StartSessionAsync(Erin);
        _sessions.TerminateFailure = new AwsApiException("ssm", "TerminateSession", "AccessDeniedException", "no");

        await Enforcer.SweepAsync(CancellationToken.None);
        await Enforcer.SweepAsync(CancellationToken.None);

        Assert.Equal([erins], await ActiveSessionsAsync());
        var failed = Assert.Single(await AuditAsync(), a => a.Action == "session.terminate" && a.Target == $"session/{erins}");
        Assert.Equal(AuditOutcome.Failed, failed.Outcome);
        Assert.Contains("AccessDeniedException", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectGrant_ToOnesOwnIamUser_IsRefused()
    {
        var erin = Person("erin", Erin);

        var self = await Assert.ThrowsAsync<AccessException>(() => GrantAsync(erin, new NewGrant(PrincipalType.User, Erin, _bastion, 60, "I need it")));
        var forDave = await GrantAsync(erin, new NewGrant(PrincipalType.User, Dave, _bastion, 60, "Dave needs it"));

        Assert.Equal(AccessRefusal.Conflict, self.Refusal);
        Assert.Contains("your own IAM user", self.Message, StringComparison.Ordinal);
        Assert.Equal(GrantState.Active, forDave.State);
        Assert.Empty((await CliAsync("iam", "list-user-policies", "--user-name", Erin)).GetProperty("PolicyNames").EnumerateArray());
    }

    [Fact]
    public async Task Approve_ARequestForOnesOwnIamUser_IsRefused_UnderAnotherPortalName()
    {
        var request = await Requests.RequestAsync(Person("dave", Dave), new NewAccessRequest(_bastion, 60, "Deploy"));

        var refused = await Assert.ThrowsAsync<AccessException>(() => Requests.ApproveAsync(request.Id, Person("d.second", Dave)));

        Assert.Equal(AccessRefusal.Conflict, refused.Refusal);
        Assert.Equal(AccessRequestState.Pending, (await Requests.GetAsync(request.Id)).State);
    }

    [Fact]
    public async Task DirectGrant_WhereRequestsNeedTwoApprovers_IsProposed_AndMadeByASecondApprover()
    {
        await _services.DisposeAsync();
        _services = Build(requiredApprovals: 2);

        var proposed = await Requests.GrantDirectlyAsync(Approver("bob"), new NewGrant(PrincipalType.User, Dave, _bastion, 60, "Quick fix"));
        var before = (await CliAsync("iam", "list-user-policies", "--user-name", Dave)).GetProperty("PolicyNames").GetArrayLength();
        var proposal = proposed.Proposal!;
        var again = await Assert.ThrowsAsync<AccessException>(() => Requests.ApproveAsync(proposal.Id, Approver("bob")));
        var decided = await Requests.ApproveAsync(proposal.Id, Approver("erin"));
        var grant = await Grants.GetAsync(decided.GrantId!.Value);

        Assert.Null(proposed.Grant);
        Assert.Equal((AccessRequestKind.Direct, AccessRequestState.Pending, 1), (proposal.Kind, proposal.State, proposal.Decisions.Count(d => d.Approved)));
        Assert.Equal(0, before);
        Assert.Equal(AccessRefusal.Conflict, again.Refusal);
        Assert.Equal((AccessRequestState.Approved, GrantState.Active, $"user/{Dave}", (string?)null), (decided.State, grant.State, grant.Principal, grant.Person));
        Assert.Equal(["bob", "erin"], decided.Decisions.Select(d => d.Approver));
        Assert.Contains(grant.PolicyName, (await CliAsync("iam", "list-user-policies", "--user-name", Dave)).GetProperty("PolicyNames").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task BreakGlass_ApprovesOnesOwnRequestForAtMostAnHour_TellsEveryApprover_AndAnotherAcknowledges()
    {
        await _services.DisposeAsync();
        _services = Build(requiredApprovals: 2, breakGlass: true);
        var erin = new AccessPerson("erin", IamUserClaim: Erin, Roles: ["Requester", "Approver"]);
        var request = await Requests.RequestAsync(erin, new NewAccessRequest(_bastion, 240, "Production is down"));

        var noReason = await Assert.ThrowsAsync<AccessException>(() => Requests.BreakGlassAsync(request.Id, erin, " "));
        var onlyRequester = await Assert.ThrowsAsync<AccessException>(() => Requests.BreakGlassAsync(request.Id, erin with { Roles = ["Requester"] }, "Production is down"));
        var broken = await Requests.BreakGlassAsync(request.Id, erin, "Production is down, nobody answers the phone");
        var grant = await Grants.GetAsync(broken.GrantId!.Value);
        var forBob = await _services.GetRequiredService<INotifications>().ForAsync("bob", ["Approver"]);
        var selfReview = await Assert.ThrowsAsync<AccessException>(() => Grants.AcknowledgeAsync(grant.Id, erin));
        var waiting = await Grants.AwaitingReviewAsync();
        var reviewed = await Grants.AcknowledgeAsync(grant.Id, Approver("bob"), "Seen, fine");

        Assert.Equal(AccessRefusal.Invalid, noReason.Refusal);
        Assert.Equal(AccessRefusal.Forbidden, onlyRequester.Refusal);
        Assert.True(broken.BreakGlass);
        Assert.Equal((GrantState.Active, true, "erin"), (grant.State, grant.BreakGlass, grant.Person));
        Assert.Equal(TimeSpan.FromMinutes(61), grant.ExpiresAt - grant.StartsAt); // capped at 60 minutes, opened a minute early
        Assert.Contains(forBob, n => n.Text.StartsWith("BREAK-GLASS: erin approved their own request", StringComparison.Ordinal));
        Assert.Equal(AccessRefusal.Conflict, selfReview.Refusal);
        Assert.Contains(waiting, g => g.Id == grant.Id);
        Assert.Equal(("bob", "Seen, fine", false), (reviewed.ReviewedBy, reviewed.ReviewComment, reviewed.AwaitsReview));
        var audit = await AuditAsync();
        Assert.Contains(audit, a => a.Action == "access.break-glass" && a.Actor == "erin");
        Assert.Contains(audit, a => a.Action == "grant.review" && a.Actor == "bob");
    }

    [Fact]
    public async Task BreakGlass_WhenOff_IsRefused()
    {
        var erin = new AccessPerson("erin", IamUserClaim: Erin, Roles: ["Requester", "Approver"]);
        var request = await Requests.RequestAsync(erin, new NewAccessRequest(_bastion, 30, "Urgent"));

        var refused = await Assert.ThrowsAsync<AccessException>(() => Requests.BreakGlassAsync(request.Id, erin, "Urgent"));

        Assert.Equal(AccessRefusal.Conflict, refused.Refusal);
        Assert.Equal(AccessRequestState.Pending, (await Requests.GetAsync(request.Id)).State);
    }

    [Fact]
    public async Task Extension_Approved_RewritesTheWindowInPlace_WithNoGapAndNoLostSession()
    {
        var grant = await ActiveGrantAsync(); // 60 minutes
        var session = await StartSessionAsync(Dave);
        _time.Advance(TimeSpan.FromMinutes(50));

        var asked = await Requests.ExtendAsync(Person("dave", Dave), grant.Id, 30, "The migration runs long");
        var notTheirs = await Assert.ThrowsAsync<AccessException>(() => Requests.ExtendAsync(Person("erin", Erin), grant.Id, 30, "Me too"));
        var decided = await Requests.ApproveAsync(asked.Id, Approver("bob"));
        var extended = await Grants.GetAsync(grant.Id);
        var policy = (await CliAsync("iam", "get-user-policy", "--user-name", Dave, "--policy-name", grant.PolicyName)).GetProperty("PolicyDocument").GetProperty("Statement")[0].GetProperty("Condition");
        _time.Advance(TimeSpan.FromMinutes(15)); // past the old expiry
        var atOldExpiry = await Maintenance.ExpireAsync(CancellationToken.None);
        await Enforcer.SweepAsync(CancellationToken.None);
        var stillActive = await ActiveSessionsAsync();
        _time.Advance(TimeSpan.FromMinutes(26)); // past the new one: 60 + 30 minutes after approval
        var atNewExpiry = await Maintenance.ExpireAsync(CancellationToken.None);

        Assert.Equal((AccessRequestKind.Extension, grant.Id), (asked.Kind, asked.ExtendsGrantId));
        Assert.Equal(AccessRefusal.Forbidden, notTheirs.Refusal);
        Assert.Equal(AccessRequestState.Approved, decided.State);
        Assert.Equal((grant.StartsAt, grant.ExpiresAt.AddMinutes(30), GrantState.Active), (extended.StartsAt, extended.ExpiresAt, extended.State));
        Assert.Equal(grant.StartsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), policy.GetProperty("DateGreaterThan").GetProperty("aws:CurrentTime").GetString());
        Assert.Equal(extended.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), policy.GetProperty("DateLessThan").GetProperty("aws:CurrentTime").GetString());
        Assert.Equal(0, atOldExpiry);
        Assert.Equal([session], stillActive);
        Assert.Equal(1, atNewExpiry);
        Assert.Empty(await ActiveSessionsAsync());
        Assert.Contains(await AuditAsync(), a => a.Action == "grant.extend" && a.Target == $"grant/{grant.Id}");
    }

    [Fact]
    public async Task Findings_ReportStandingAccessAttachedOutsideThePortal_AndAnEditedGrantPolicy()
    {
        var grant = await ActiveGrantAsync();
        var standing = $"standing-{_suffix}";
        await CliAsync("iam", "create-user", "--user-name", standing);
        var policy = (await CliAsync("iam", "create-policy", "--policy-name", $"BastionForever-{_suffix}", "--policy-document",
            $$"""{"Version":"2012-10-17","Statement":[{"Sid":"Always","Effect":"Allow","Action":"ssm:Start*","Resource":"arn:aws:ec2:*:*:instance/*"}]}""")).GetProperty("Policy").GetProperty("Arn").GetString()!;
        await CliAsync("iam", "attach-user-policy", "--user-name", standing, "--policy-arn", policy);
        var edited = (await CliAsync("iam", "get-user-policy", "--user-name", Dave, "--policy-name", grant.PolicyName)).GetProperty("PolicyDocument").GetRawText()
            .Replace($"instance/{_bastion}", "instance/*", StringComparison.Ordinal);
        await CliAsync("iam", "put-user-policy", "--user-name", Dave, "--policy-name", grant.PolicyName, "--policy-document", edited);

        var report = await Maintenance.ReconcileAsync(CancellationToken.None);

        var found = Assert.Single(report.Items, f => f.Principal == $"user/{standing}");
        Assert.Equal((AccessFindingKind.StandingAccess, policy), (found.Kind, found.Policy));
        Assert.Contains(_bastion, found.Detail, StringComparison.Ordinal);
        Assert.Contains("statement Always", found.Detail, StringComparison.Ordinal);
        Assert.Contains("（ステートメント Always）", found.Said.ToString(System.Globalization.CultureInfo.GetCultureInfo("ja")), StringComparison.Ordinal); // the page's, in Japanese
        var changed = Assert.Single(report.Items, f => f.Principal == $"user/{Dave}");
        Assert.Equal((AccessFindingKind.EditedGrant, grant.Id), (changed.Kind, changed.GrantId));
        Assert.Contains(await AuditAsync(), a => a.Action == "access.finding" && a.Target == $"user/{standing}");
    }

    [Fact]
    public async Task Covering_FindsTheGrantThatAllowedASession_EvenAfterItEnded_WithItsPolicy()
    {
        var grant = await ActiveGrantAsync();
        var during = _time.GetUtcNow().AddMinutes(10);
        _time.Advance(TimeSpan.FromMinutes(20));
        await Grants.RevokeAsync(grant.Id, "bob");

        var covering = await Grants.CoveringAsync(Dave, _bastion, during);
        var after = await Grants.CoveringAsync(Dave, _bastion, _time.GetUtcNow().AddMinutes(1));
        var someoneElse = await Grants.CoveringAsync(Erin, _bastion, during);

        Assert.Equal(grant.Id, covering!.Grant.Id);
        Assert.Equal("dave", covering.Grant.Person);
        Assert.Contains(grant.TargetInstanceId, covering.PolicyDocument, StringComparison.Ordinal);
        Assert.Null(after); // revoked by then
        Assert.Null(someoneElse);
    }

    [Fact]
    public async Task Reconcile_MarksAPolicyDeletedOutside_AndReportsOneThePortalDoesNotKnow()
    {
        var grant = await ActiveGrantAsync();
        await CliAsync("iam", "delete-user-policy", "--user-name", Dave, "--policy-name", grant.PolicyName);
        await CliAsync("iam", "put-user-policy", "--user-name", Erin, "--policy-name", "portal-grant-99999", "--policy-document", GrantPolicy.For("aws", "ap-northeast-1", "123456789012", _bastion, _time.GetUtcNow(), _time.GetUtcNow().AddHours(1)).ToJson());

        var report = await Maintenance.ReconcileAsync(CancellationToken.None);

        var missing = Assert.Single(report.Items, f => f.Kind == AccessFindingKind.MissingGrantPolicy && f.GrantId == grant.Id);
        Assert.Equal($"user/{Dave}", missing.Principal);
        Assert.True((await Grants.GetAsync(grant.Id)).MissingInIam);
        Assert.Contains(report.Items, f => f.Kind == AccessFindingKind.UnknownGrantPolicy && f.Principal == $"user/{Erin}" && f.Policy == "portal-grant-99999");
        Assert.DoesNotContain(report.Items, f => f.Kind == AccessFindingKind.UnknownGrantPolicy && f.Principal == $"user/{Dave}");
    }

    [Fact]
    public async Task Cancel_OnlyByTheRequester_AndOnlyWhilePending()
    {
        var request = await Requests.RequestAsync(Person("dave", Dave), new NewAccessRequest(_bastion, 60, "Maybe later"));

        var other = await Assert.ThrowsAsync<AccessException>(() => Requests.CancelAsync(request.Id, "erin"));
        var cancelled = await Requests.CancelAsync(request.Id, "dave");
        var late = await Assert.ThrowsAsync<AccessException>(() => Requests.ApproveAsync(request.Id, Approver("bob")));

        Assert.Equal(AccessRefusal.Forbidden, other.Refusal);
        Assert.Equal(AccessRequestState.Cancelled, cancelled.State);
        Assert.Equal(AccessRefusal.Conflict, late.Refusal);
    }

    private async Task<AccessGrant> ActiveGrantAsync()
    {
        var request = await Requests.RequestAsync(Person("dave", Dave), new NewAccessRequest(_bastion, 60, "Deploy the hotfix"));
        var approved = await Requests.ApproveAsync(request.Id, Approver("bob"));
        var grant = await Grants.GetAsync(approved.GrantId!.Value);
        Assert.Equal(GrantState.Active, grant.State);
        return grant;
    }

    private ServiceProvider Build(int requiredApprovals, EnforceSessionsMode enforce = EnforceSessionsMode.Terminate, bool breakGlass = false) => SetupServices.For(moto, services =>
        services.AddAccess(
            _database,
            _time,
            o =>
            {
                o.RequiredApprovals = requiredApprovals;
                o.EnforceSessions = enforce;
                o.BreakGlass.Enabled = breakGlass;
                o.Bastions.Add(_bastion); // read when first resolved, after InitializeAsync started the instance
            },
            sessions: _sessions.Over,
            notices: o =>
            {
                o.TopicArn = _topicArn;
                o.MailLanguages = ["en", "ja"];
            })
        .AddSingleton<Portal.Core.Aws.Iam.IamClient>()
        .AddSingleton(sp => Faults<Portal.Core.Aws.Iam.IIamClient>.Wrap(sp.GetRequiredService<Portal.Core.Aws.Iam.IamClient>(), _iamFaults)));

    private static AccessPerson Person(string name, string iamUser) => new(name, IamUserClaim: iamUser);

    /// <summary>A direct grant that is made at once (one approval required).</summary>
    private async Task<AccessGrant> GrantAsync(AccessPerson approver, NewGrant grant) =>
        (await Requests.GrantDirectlyAsync(approver, grant)).Grant ?? throw new InvalidOperationException("proposed, not granted");

    /// <summary>An approver whose sign-in maps to no IAM user of this test (the suffixed users are the grantees).</summary>
    private static AccessPerson Approver(string name) => new(name);

    private SessionEnforcer Enforcer => _services.GetRequiredService<SessionEnforcer>();

    private Task<string> StartSessionAsync(string user) => SessionManagerUsers.StartSessionAsync(moto.Endpoint, user, _bastion);

    /// <summary>The active sessions on this test's bastion, as the <c>aws</c> CLI sees them.</summary>
    private async Task<List<string>> ActiveSessionsAsync() =>
        [.. (await CliAsync("ssm", "describe-sessions", "--state", "Active", "--filters", $"key=Target,value={_bastion}")).GetProperty("Sessions").EnumerateArray().Select(s => s.GetProperty("SessionId").GetString()!)];

    private static async Task<Exception?> Attempt(Func<Task> action)
    {
        try
        {
            await Task.Run(action);
            return null;
        }
        catch (AccessException ex)
        {
            return ex;
        }
    }

    private async Task<List<AuditEntry>> AuditAsync() =>
        [.. (await _services.GetRequiredService<IAuditTrail>().QueryAsync(new AuditQuery { Take = 100 })).Items.Reverse()];

    private static List<string> Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? [.. element.EnumerateArray().Select(e => e.GetString()!)] : [element.GetString()!];

    private Task<JsonElement> CliAsync(params string[] args) => AwsCli.RunAsync(moto.Endpoint, args);

    /// <summary>The real client, failing DescribeSessions while <see cref="Failure"/> is set.</summary>
    private sealed class FailingLiveSessions : ILiveSessions
    {
        private ILiveSessions _inner = default!;

        public AwsApiException? Failure { get; set; }

        public AwsApiException? TerminateFailure { get; set; }

        public FailingLiveSessions Over(ILiveSessions inner)
        {
            _inner = inner;
            return this;
        }

        public Task<IReadOnlyList<ActiveSession>> ListActiveAsync(string instanceId, CancellationToken cancellationToken = default) =>
            Failure is { } failure ? throw failure : _inner.ListActiveAsync(instanceId, cancellationToken);

        public Task TerminateAsync(string sessionId, CancellationToken cancellationToken = default) =>
            TerminateFailure is { } failure ? throw failure : _inner.TerminateAsync(sessionId, cancellationToken);
    }
}
