using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Access;
using Portal.Core.Text;
using Portal.Tests.TestSupport;
using Portal.Web.Components.Pages.Access;

namespace Portal.Tests.Web.Components;

/// <summary>The requester's page over a fake service: what is refused and why, and an active grant's command.</summary>
public sealed class RequestAccessPageTests : PortalBunitContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly FakeAccess _access = new();
    private IRenderedComponent<MudBlazor.MudDialogProvider>? _dialogs;
    private IRenderedComponent<MudBlazor.MudSnackbarProvider>? _snackbars;

    public RequestAccessPageTests()
    {
        SignIn("dave", "Requester");
        Services.AddSingleton<IAccessRequests>(_access);
        Services.AddSingleton<IAccessGrants>(_access);
        Services.AddSingleton<IBastionDirectory>(_access);
        Services.AddSingleton(Options.Create(new AccessOptions { MaxDurationMinutes = 120 }));
        Services.AddSingleton(TimeProvider.System);
    }

    [Fact]
    public void TheBastion_IsShownByItsNameTagAndId()
    {
        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal("bastion-tokyo (i-0123456789abcdef0)", page.Find("input[data-testid=request-bastion]").GetAttribute("value")));
    }

    [Fact]
    public void Submit_WaitsForTheBastionsToBeListed_SoARequestAlwaysNamesOne()
    {
        var listing = new TaskCompletionSource<IReadOnlyList<Bastion>>();
        _access.Bastions = listing.Task;
        var page = RenderPage();

        Assert.True(page.Find("button[data-testid=request-submit]").HasAttribute("disabled"));
        listing.SetResult([new("i-0123456789abcdef0", "bastion-tokyo")]);

        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=request-submit]").HasAttribute("disabled")));
        Assert.Equal("bastion-tokyo (i-0123456789abcdef0)", page.Find("input[data-testid=request-bastion]").GetAttribute("value"));
    }

    [Fact]
    public void Submit_WithoutAReason_ShowsTheRuleUnderTheField_AndAMappingProblemAboveTheForm()
    {
        _access.Refusal = new AccessException(AccessRefusal.Invalid, new Phrase("bad"), new Dictionary<string, Phrase[]> { ["reason"] = [new Phrase("Say why you need access.")] });
        var page = RenderPage();

        page.Find("[data-testid=request-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains("Say why you need access.", page.Markup, StringComparison.Ordinal));

        _access.Refusal = AccessExceptionFor("iamUser", "Your sign-in does not say which IAM user you are.");
        page.Find("[data-testid=request-submit]").Click();
        page.WaitForAssertion(() => Assert.Equal("Your sign-in does not say which IAM user you are.", page.Find("[data-testid=request-error]").TextContent.Trim()));
    }

    [Fact]
    public void MyRequests_AnActiveGrantShowsTheCountdownAndHowToConnect()
    {
        _access.Requests = [new AccessRequest(4, AccessRequestState.Approved, "dave", "dave", "i-0123456789abcdef0", 60, "Deploy", null, Now, Now, [], 9)];
        _access.Grants = [new AccessGrant(9, "user/dave", PrincipalType.User, "dave", "i-0123456789abcdef0", Now, Now.AddMinutes(50), GrantState.Active, 4, "bob", "Deploy", null, null, null, null, false, null, "aws ssm start-session --target i-0123456789abcdef0 --document-name SSM-SessionManagerRunShell --region ap-northeast-1")];
        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Contains("aws ssm start-session --target i-0123456789abcdef0", page.Find("[data-testid=connect-command]").TextContent, StringComparison.Ordinal));
        Assert.Contains("left", page.Find("[data-testid=countdown]").TextContent, StringComparison.Ordinal);
        Assert.Equal("dave", _access.AskedFor);
    }

    [Fact]
    public void Extend_OnAnActiveGrant_AsksWithTheMinutesAndReason()
    {
        _access.Requests = [new AccessRequest(4, AccessRequestState.Approved, "dave", "dave", "i-0123456789abcdef0", 60, "Deploy", null, Now, Now, [], 9)];
        _access.Grants = [new AccessGrant(9, "user/dave", PrincipalType.User, "dave", "i-0123456789abcdef0", Now, Now.AddMinutes(10), GrantState.Active, 4, "bob", "Deploy", null, null, null, null, false, null, "aws ssm start-session", "dave")];
        var page = RenderPage();

        page.WaitForElement("[data-testid=extend-9]").Click();
        _dialogs!.WaitForElement("[data-testid=extend-reason]").Input("The migration runs long");
        _dialogs!.WaitForElement("[data-testid=extend-confirm]").Click();

        page.WaitForAssertion(() => Assert.Equal((9L, 30, "The migration runs long"), _access.Extended));
        var snackbars = _snackbars!;
        snackbars.WaitForAssertion(() => Assert.Contains("Extension request 5 sent to the approvers.", snackbars.Markup, StringComparison.Ordinal));
    }

    private IRenderedComponent<RequestAccessPage> RenderPage()
    {
        _dialogs = Render<MudBlazor.MudDialogProvider>();
        Render<MudBlazor.MudPopoverProvider>();
        _snackbars = Render<MudBlazor.MudSnackbarProvider>();
        return Render<RequestAccessPage>();
    }

    private static AccessException AccessExceptionFor(string field, string message) =>
        new(AccessRefusal.Invalid, new Phrase(message), new Dictionary<string, Phrase[]> { [field] = [new Phrase(message)] });

    private sealed class FakeAccess : IAccessRequests, IAccessGrants, IBastionDirectory
    {
        public AccessException? Refusal { get; set; }

        public IReadOnlyList<AccessRequest> Requests { get; set; } = [];

        public IReadOnlyList<AccessGrant> Grants { get; set; } = [];

        public string? AskedFor { get; private set; }

        public (long GrantId, int Minutes, string Reason)? Extended { get; private set; }

        Task<IReadOnlyList<string>> IBastionDirectory.ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>(["i-0123456789abcdef0"]);

        public Task<IReadOnlyList<Bastion>> Bastions { get; set; } = Task.FromResult<IReadOnlyList<Bastion>>([new("i-0123456789abcdef0", "bastion-tokyo")]);

        Task<IReadOnlyList<Bastion>> IBastionDirectory.DescribeAsync(CancellationToken cancellationToken) => Bastions;

        public Task<AccessRequest> RequestAsync(AccessPerson person, NewAccessRequest input, CancellationToken cancellationToken = default) =>
            Refusal is null ? throw new NotSupportedException() : Task.FromException<AccessRequest>(Refusal);

        public Task<AccessRequest> ExtendAsync(AccessPerson person, long grantId, int? minutes, string? reason, CancellationToken cancellationToken = default)
        {
            Extended = (grantId, minutes!.Value, reason!);
            return Task.FromResult(new AccessRequest(5, AccessRequestState.Pending, person.Name, "dave", "i-0123456789abcdef0", minutes.Value, reason!, null, Now, null, [], grantId, AccessRequestKind.Extension, PrincipalType.User, grantId));
        }

        public Task<IReadOnlyList<AccessRequest>> ListAsync(string? requester = null, AccessRequestState? state = null, CancellationToken cancellationToken = default)
        {
            AskedFor = requester;
            return Task.FromResult(Requests);
        }

        public Task<IReadOnlyList<AccessGrant>> ListAsync(string? person = null, CancellationToken cancellationToken = default) => Task.FromResult(Grants);

        public Task<AccessRequest> GetAsync(long id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        Task<AccessGrant> IAccessGrants.GetAsync(long id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AccessRequest> ApproveAsync(long id, AccessPerson approver, string? comment = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AccessRequest> DenyAsync(long id, string approver, string? comment = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AccessRequest> CancelAsync(long id, string requester, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AccessRequest> BreakGlassAsync(long id, AccessPerson person, string? reason, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<DirectGrantResult> GrantDirectlyAsync(AccessPerson approver, NewGrant input, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AccessGrant> RetryAsync(long grantId, string actor, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AccessGrant> RevokeAsync(long grantId, string actor, string? comment = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AccessGrant> AcknowledgeAsync(long grantId, AccessPerson reviewer, string? comment = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<AccessGrant>> AwaitingReviewAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<AccessGrant>>([]);

        public Task<IReadOnlyList<string>> GranteesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CoveringGrant?> CoveringAsync(string iamUser, string target, DateTimeOffset at, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
