using System.Net;
using Bunit;
using Portal.Core.Aws;
using Portal.Tests.TestSupport;
using Portal.Web.Components.Common;

namespace Portal.Tests.Web.Components;

public sealed class AwsErrorAlertTests : PortalBunitContext
{
    [Fact]
    public void Render_ShowsCodeOperationAndRequestId()
    {
        var error = new AwsApiException("s3", "ListObjectsV2", "AccessDenied", "The portal may not list s3://logs/.", HttpStatusCode.Forbidden, "REQ123");

        var alert = Render<AwsErrorAlert>(p => p.Add(a => a.Error, error));

        var text = alert.Find("[data-testid=aws-error]").TextContent;
        Assert.Contains("s3 ListObjectsV2 failed: AccessDenied", text, StringComparison.Ordinal);
        Assert.Contains("Request id REQ123", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HostileMessage_IsEncoded()
    {
        var error = new AwsApiException("iam", "GetUser", "X", "<img src=x onerror=alert(1)>");

        var alert = Render<AwsErrorAlert>(p => p.Add(a => a.Error, error));

        Assert.Empty(alert.FindAll("img"));
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", alert.Markup, StringComparison.Ordinal);
    }
}
