using System.Reflection;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Core.Aws.Iam;
using Portal.Tests.TestSupport;
using Portal.Web.Components.Dashboard;

namespace Portal.Tests.Web.Components;

/// <summary>The card says what access requests would find: the same mapper, whichever mode is configured.</summary>
public sealed class IamMappingCardTests : PortalBunitContext
{
    [Fact]
    public void Render_WhenTheMapperFindsNoUser_ShowsItsReason_AndReadsNothingElse()
    {
        SignIn("frank", "Requester");
        Services.AddSingleton<IIamUserMapper>(new FixedMapper(new IamMapping(null, new Portal.Core.Text.Phrase("No IAM user is tagged portal:email = frank."))));
        Services.AddSingleton(UnusedIam.Create());

        var card = Render<IamMappingCard>();

        card.WaitForAssertion(() => Assert.Contains("No IAM user is tagged portal:email = frank.", card.Find("[data-testid=iam-mapping-problem]").TextContent, StringComparison.Ordinal));
    }

    private sealed class FixedMapper(IamMapping mapping) : IIamUserMapper
    {
        public Task<IamMapping> MapAsync(AccessPerson person, CancellationToken cancellationToken = default) => Task.FromResult(mapping);
    }

    /// <summary>An IAM client any call to which fails the test.</summary>
    public class UnusedIam : DispatchProxy
    {
        public static IIamClient Create() => Create<IIamClient, UnusedIam>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"IAM was called ({targetMethod?.Name}) although no user was mapped.");
    }
}
