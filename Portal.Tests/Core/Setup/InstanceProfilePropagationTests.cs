using Microsoft.Extensions.Time.Testing;
using Portal.Core.Aws;
using Portal.Core.Setup.Steps;
using Portal.Core.Text;

namespace Portal.Tests.Core.Setup;

/// <summary>Apply waits, with backoff and a report of each wait, for EC2 to learn of an instance profile IAM just made.</summary>
public sealed class InstanceProfilePropagationTests
{
    private static readonly AwsApiException NotKnownYet = new("ec2", "AssociateIamInstanceProfile", "InvalidParameterValue", "Value (PortalBastionRole) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly List<string> _reports = [];

    [Fact]
    public async Task RetriesThePropagationError_WithBackoff_ReportingEachWait()
    {
        var calls = 0;
        var applying = BastionRoleStep.WhenProfileIsKnownAsync("PortalBastionRole", new Collect(_reports), _time, () => ++calls <= 6 ? throw NotKnownYet : Task.CompletedTask, CancellationToken.None);

        await RunClockAsync(applying);

        Assert.Equal(7, calls);
        Assert.Equal(["2", "4", "8", "16", "30", "30"], _reports.Select(r => r.Split("trying again in ")[1].Split(' ')[0]));
        Assert.All(_reports, r => Assert.StartsWith("EC2 does not know the instance profile PortalBastionRole yet", r, StringComparison.Ordinal));
        Assert.True(_time.GetUtcNow() - new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero) >= TimeSpan.FromSeconds(90)); // 2+4+8+16+30+30
    }

    [Fact]
    public async Task GivesUpAfterThreeMinutes_SayingItIsStillPropagating_AndThatApplyResumes()
    {
        var applying = BastionRoleStep.WhenProfileIsKnownAsync("PortalBastionRole", new Collect(_reports), _time, () => throw NotKnownYet, CancellationToken.None);

        var failed = await Assert.ThrowsAsync<AwsApiException>(() => RunClockAsync(applying));

        Assert.Equal("InstanceProfileStillPropagating", failed.ErrorCode);
        Assert.Contains("Apply again in a few minutes; it resumes from here.", failed.AwsMessage, StringComparison.Ordinal);
        Assert.InRange(_time.GetUtcNow() - new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(2), BastionRoleStep.PropagationWait + TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("InvalidParameterValue", "Value (x) for parameter instanceId is invalid.")]
    [InlineData("IncorrectState", "The instance is not in a valid state.")]
    public async Task AnyOtherError_FailsAtOnce(string code, string message)
    {
        var calls = 0;

        var failed = await Assert.ThrowsAsync<AwsApiException>(() => BastionRoleStep.WhenProfileIsKnownAsync("PortalBastionRole", null, _time, () =>
        {
            calls++;
            throw new AwsApiException("ec2", "AssociateIamInstanceProfile", code, message);
        }, CancellationToken.None));

        Assert.Equal((code, 1), (failed.ErrorCode, calls));
    }

    /// <summary>Moves the fake clock on while the retries wait, until the call ends.</summary>
    private async Task RunClockAsync(Task applying)
    {
        while (!applying.IsCompleted)
        {
            await Task.Delay(5);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await applying;
    }

    private sealed class Collect(List<string> lines) : IProgress<Phrase>
    {
        public void Report(Phrase value) => lines.Add(value.English);
    }
}
