using Microsoft.Playwright;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// In Chromium: carol finds the sandbox's tampered transcript by the integrity filter, reads the agent's version with
/// its sudo lines, and opens the later version to see what was taken out.
/// </summary>
public sealed class TranscriptIntegrityFlowTests(PortalE2EFixture fixture) : IClassFixture<PortalE2EFixture>
{
    [Fact]
    public async Task Carol_OpensAModifiedTranscript_SeesBothVersions_AndWhatChanged()
    {
        var carol = await fixture.SignedInAsync("carol");

        await carol.GotoAsync("/sessions?integrity=modified");
        await Assertions.Expect(carol.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(carol.GetByTestId("session-link")).ToHaveCountAsync(1, new() { Timeout = 60_000 }); // once the indexer has read the bucket
        await Assertions.Expect(carol.GetByTestId("session-integrity")).ToHaveTextAsync("modified (2 versions)");
        await carol.GetByTestId("session-link").ClickAsync();

        await Assertions.Expect(carol.GetByTestId("transcript-integrity")).ToHaveTextAsync("modified");
        await Assertions.Expect(carol.GetByTestId("transcript-integrity-alert")).ToContainTextAsync("You are reading the first version, the one the agent wrote.");
        await Assertions.Expect(carol.GetByTestId("transcript-view")).ToContainTextAsync("sudo");
        await Assertions.Expect(carol.GetByTestId("transcript-versions").Locator("tbody tr")).ToHaveCountAsync(2);
        await carol.GetByTestId("transcript-version-2").ClickAsync();

        await Assertions.Expect(carol.GetByTestId("transcript-integrity-alert")).ToContainTextAsync("You are reading a later version, not the agent's.");
        await Assertions.Expect(carol.GetByTestId("transcript-changes")).ToContainTextAsync("- ");
        await Assertions.Expect(carol.GetByTestId("transcript-changes")).ToContainTextAsync("sudo");
        await Assertions.Expect(carol.GetByTestId("transcript-view")).Not.ToContainTextAsync("sudo");

        var download = await carol.RunAndWaitForDownloadAsync(() => carol.GetByTestId("transcript-evidence").ClickAsync());
        var path = await download.PathAsync();
        using (var zip = System.IO.Compression.ZipFile.OpenRead(path))
        {
            Assert.EndsWith(".zip", download.SuggestedFilename, StringComparison.Ordinal);
            Assert.Contains(zip.Entries, e => e.FullName == "transcript.log");
            Assert.Contains(zip.Entries, e => e.FullName == "session.json");
            Assert.Contains(zip.Entries, e => e.FullName == "VERIFY.md");
            Assert.Single(zip.Entries, e => e.FullName.StartsWith("versions/", StringComparison.Ordinal));
        }

        await carol.Context.CloseAsync();
    }

    [Fact]
    public async Task Carol_VerifiesTheDigestChain_OnTheIntegrityPage()
    {
        var carol = await fixture.SignedInAsync("carol");
        for (var attempt = 0; ; attempt++)
        {
            await carol.GotoAsync("/sessions/integrity");
            await Assertions.Expect(carol.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
            if ((await carol.GetByTestId("integrity-status").TextContentAsync())!.Contains("portal-digests/", StringComparison.Ordinal) || attempt == 40)
            {
                break;
            }

            await Task.Delay(3000); // the sandbox writes its first digest within about a minute of starting
        }

        await Assertions.Expect(carol.GetByTestId("integrity-status")).ToContainTextAsync("arn:aws:kms:");
        await carol.GetByTestId("integrity-verify").ClickAsync();

        await Assertions.Expect(carol.GetByTestId("integrity-result")).ToContainTextAsync("Verified:", new() { Timeout = 60_000 });
        await Assertions.Expect(carol.GetByTestId("integrity-result")).ToContainTextAsync("Every signature, link and hash holds.");
        await carol.Context.CloseAsync();
    }

    [Fact]
    public async Task Carol_OpensCoverage_AndFindsTheSessionWithoutATranscript()
    {
        var carol = await fixture.SignedInAsync("carol");
        await Assertions.Expect(carol.GetByTestId("coverage-share")).Not.ToHaveTextAsync("100.0 %", new() { Timeout = 60_000 });

        await carol.GotoAsync("/sessions/coverage");
        await Assertions.Expect(carol.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(carol.GetByTestId("coverage-page-share")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await carol.GetByTestId("coverage-filter").GetByText("missing (1)").ClickAsync();

        var rows = carol.GetByTestId("coverage-items").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("dave-0f1e2d3c4b5a69788");
        await Assertions.Expect(rows.First.Locator("[title='arn:aws:iam::123456789012:user/dave']")).ToHaveTextAsync("dave"); // the user, its ARN on hover
        await Assertions.Expect(rows.First).ToContainTextAsync("bastion i-"); // the bastion by Name tag and id

        // 90 days: CloudTrail's event history adds a session Session Manager no longer remembers.
        await carol.GetByTestId("coverage-days").GetByText("90 days").ClickAsync();
        await Assertions.Expect(carol.GetByTestId("coverage-filter").GetByText("missing (2)")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(rows).ToHaveCountAsync(2); // the missing filter stays on
        await Assertions.Expect(rows.Last).ToContainTextAsync(Portal.Core.Sandbox.SandboxSeeder.LongAgoSessionId);
        await carol.Context.CloseAsync();
    }
}
