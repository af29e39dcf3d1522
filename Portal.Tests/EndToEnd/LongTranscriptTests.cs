using System.Text;
using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// A long session in Chromium: 30,000 commands in one transcript. The commands panel renders only what is in view
/// (it used to render every command and the tab died), the last command is reachable, and the timeline beside the
/// transcript marks the flagged one and jumps to it.
/// </summary>
public sealed class LongTranscriptTests(PortalE2EFixture fixture) : IClassFixture<PortalE2EFixture>
{
    private const int Commands = 30_000;

    [Fact]
    public async Task ThirtyThousandCommands_ThePanelIsVirtualized_TheLastIsReachable_AndTheTimelineJumpsToTheFlaggedOne()
    {
        var sessionId = $"carol-{Guid.NewGuid():N}"[..23];
        var transcript = new StringBuilder("Script started on 2026-11-30 10:00:00+00:00 [COMMAND=\"cat /var/lib/amazon/ssm/i-0123456789abcdef0/session/orchestration/x/Standard_Stream/ipcTempFile.log\"]\n");
        for (var i = 1; i <= Commands; i++)
        {
            transcript.Append("[ssm-user@ip-10-0-1-23 ~]$ echo step ").Append(i).Append("\r\nstep ").Append(i).Append("\r\n");
            if (i == 20_000)
            {
                transcript.Append("[ssm-user@ip-10-0-1-23 ~]$ sudo rm -rf /tmp/cache\r\n");
            }
        }

        transcript.Append("[ssm-user@ip-10-0-1-23 ~]$ exit\r\nexit\r\n\nScript done on 2026-11-30 12:00:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n");
        await AwsCli.PutSandboxTranscriptAsync(fixture.MotoEndpoint, sessionId, transcript.ToString());

        var page = await fixture.SignedInAsync("carol");
        await page.GotoAsync($"/sessions/{sessionId}");
        var panel = page.GetByTestId("transcript-commands");
        await Assertions.Expect(panel).ToContainTextAsync($"Commands ({Commands + 2:N0}", new() { Timeout = 60_000 });

        // The list renders its items once it has measured itself, a moment after the count shows.
        await Assertions.Expect(page.GetByTestId("transcript-command").First).ToBeVisibleAsync();
        var rendered = await page.GetByTestId("transcript-command").CountAsync();
        Assert.InRange(rendered, 1, 200);

        // Scrolled to its end, the panel shows the last command, and it links to its row.
        await page.GetByTestId("transcript-command-list").EvaluateAsync("list => list.scrollTop = list.scrollHeight");
        var last = page.GetByTestId("transcript-command").Filter(new() { HasText = "exit" });
        await Assertions.Expect(last).ToHaveCountAsync(1);
        await last.ClickAsync();
        await page.WaitForFunctionAsync("""() => { const r = document.querySelector('.terminal .term-row:last-child'); return r && r.textContent.includes('Script done') || [...document.querySelectorAll('.terminal .term-row')].some(x => x.textContent.includes('$ exit')); }""");
        Assert.InRange(await page.GetByTestId("transcript-command").CountAsync(), 1, 200);

        // The timeline: the whole length in at most 300 slices; the flagged command's slice jumps to it.
        var timeline = page.GetByTestId("transcript-timeline");
        Assert.InRange(await timeline.Locator(".timeline-bin").CountAsync(), 100, 300);
        var flagged = timeline.Locator(".timeline-bin.flagged");
        await Assertions.Expect(flagged).ToHaveCountAsync(1);
        var title = (await flagged.GetAttributeAsync("title"))!;
        Assert.Contains("flagged command", title, StringComparison.Ordinal);
        await flagged.DispatchEventAsync("click"); // a slice is under 2 px high in this viewport: click that very element
        var target = page.Locator(".terminal .term-row", new() { HasText = "sudo rm -rf /tmp/cache" });
        var id = (await target.GetAttributeAsync("id"))!;
        await page.WaitForFunctionAsync(TranscriptPane.RowIsVisible, int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture));
        await page.Context.CloseAsync();
    }
}
