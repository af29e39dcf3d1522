using System.Globalization;
using System.Net;
using Bunit;
using Portal.Core.Aws;
using Portal.Core.Sessions.Coverage;
using Portal.Core.Setup;
using Portal.Core.Text;
using Portal.Tests.TestSupport;
using Portal.Web.Components.Common;
using Portal.Web.Components.Sessions;
using Portal.Web.Components.Setup;

namespace Portal.Tests.Web.Components;

/// <summary>Components render in the culture of the person, English by default and Japanese from the satellite resources.</summary>
public sealed class LanguageRenderTests : PortalBunitContext
{
    [Theory]
    [InlineData("en", "Page not found", "Go to the dashboard")]
    [InlineData("ja", "ページが見つかりません", "ダッシュボードへ")]
    public void APage_RendersInTheCulture(string culture, string heading, string button)
    {
        using var _ = new UiCulture(culture);

        var content = Render<NotFoundContent>();

        Assert.Contains(heading, content.Markup, StringComparison.Ordinal);
        Assert.Contains(button, content.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "s3 ListObjectsV2 failed: AccessDenied", "Request id REQ1")]
    [InlineData("ja", "s3 ListObjectsV2 が失敗しました: AccessDenied", "リクエスト ID REQ1")]
    public void AFormattedText_KeepsItsValuesInEachLanguage(string culture, string failed, string request)
    {
        using var _ = new UiCulture(culture);

        var alert = Render<AwsErrorAlert>(p => p.Add(a => a.Error, new AwsApiException("s3", "ListObjectsV2", "AccessDenied", "denied", HttpStatusCode.Forbidden, "REQ1")));

        Assert.Contains(failed, alert.Markup, StringComparison.Ordinal);
        Assert.Contains(request, alert.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "unknown origin")]
    [InlineData("ja", "出所不明")]
    public void AStateName_IsTranslated(string culture, string name)
    {
        using var _ = new UiCulture(culture);

        var chip = Render<CoverageStateChip>(p => p.Add(c => c.State, CoverageState.UnknownOrigin));

        Assert.Equal(name, chip.Find("[data-testid=coverage-state]").TextContent.Trim());
    }

    [Theory]
    [InlineData("en", "No bucket policy.", "Turn versioning on.")]
    [InlineData("ja", "バケットポリシーはありません。", "バージョニングを有効にする。")]
    public void ASetupPlan_SaysWhatExistsAndWhatChanges_InTheCulture(string culture, string found, string change)
    {
        using var _ = new UiCulture(culture);
        var plan = new StepPlan("logBucket", new Phrase("Log bucket"), [new Phrase("No bucket policy.")], [new SetupChange(new Phrase("Turn versioning on."), "aws s3api put-bucket-versioning")], new Dictionary<string, string>());

        var view = Render<StepPlanView>(p => p.Add(v => v.Plan, plan));

        Assert.Contains(found, view.Markup, StringComparison.Ordinal);
        Assert.Contains(change, view.Markup, StringComparison.Ordinal);
        Assert.Contains("aws s3api put-bucket-versioning", view.Markup, StringComparison.Ordinal); // commands stay as typed
    }

    /// <summary>Sets the UI culture for one test (it flows with the test's own async context only).</summary>
    private sealed class UiCulture : IDisposable
    {
        private readonly CultureInfo _before = CultureInfo.CurrentUICulture;

        public UiCulture(string name) => CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);

        public void Dispose() => CultureInfo.CurrentUICulture = _before;
    }
}
