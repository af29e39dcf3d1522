using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// A transcript of three million rows in Chromium: past what a browser can make tall (18 px a row is 54 million px, and
/// Chromium stops near 33.5 million), so the pane scales its scrollbar. Every row is still reachable: the last with
/// End, any by deep link, and the keys move row by row.
/// </summary>
public sealed class HugeTranscriptTests(PortalE2EFixture fixture) : IClassFixture<PortalE2EFixture>
{
    private const int Numbers = 3_000_000;

    [Fact]
    public async Task ThreeMillionRows_FirstRowsAtOnce_TheLastRowAndAnyDeepLinkReachable()
    {
        var sessionId = $"carol-{Guid.NewGuid():N}"[..23];
        await UploadAsync(sessionId);

        var page = await fixture.SignedInAsync("carol");
        await page.GotoAsync($"/sessions/{sessionId}");
        await Assertions.Expect(page.Locator("#L1")).ToContainTextAsync($"seq {Numbers}", new() { Timeout = 30_000 });

        // Once rendered: every row counted (no cap), and the commands found.
        var rows = Numbers + 3; // the seq command, the numbers, the exit command and its echo
        await Assertions.Expect(page.GetByTestId("transcript-metadata")).ToContainTextAsync(rows.ToString("N0", CultureInfo.InvariantCulture), new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("transcript-commands")).ToContainTextAsync("Commands (2");

        // Loaded in full, the page was prerendered with its first rows and then went live on the same render: one view
        // on the audit trail, not two.
        using (var api = new HttpClient { BaseAddress = fixture.Portal.BaseAddress })
        {
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sandbox-alice");
            using var audit = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync($"/api/audit?action=session.view&target={sessionId}"));
            Assert.Equal(1, audit.RootElement.GetProperty("items").GetArrayLength());
        }

        // End reaches the last row.
        var pane = page.GetByTestId("transcript-view");
        await pane.FocusAsync();
        await page.Keyboard.PressAsync("End");
        await page.WaitForFunctionAsync(TranscriptPane.RowIsVisible, rows);
        await Assertions.Expect(page.Locator($"#L{rows}")).ToHaveTextAsync($"{rows}exit");

        // Keys move row by row even though one pixel of scrollbar is many rows.
        await page.Keyboard.PressAsync("Home");
        await page.WaitForFunctionAsync(TranscriptPane.RowIsVisible, 1);
        var topBefore = await TopRowAsync(page);
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.WaitForFunctionAsync($"() => {TopRowScript} === {topBefore + 2}");

        // A deep link to a row in the middle, opened in a new tab, lands on it.
        var middle = 1_500_001;
        var linked = await page.Context.NewPageAsync();
        await linked.GotoAsync($"/sessions/{sessionId}#L{middle}");
        await linked.WaitForFunctionAsync(TranscriptPane.RowIsVisible, middle, new() { Timeout = 60_000 });
        await Assertions.Expect(linked.Locator($"#L{middle}")).ToHaveTextAsync($"{middle}{middle - 1}");
        await page.Context.CloseAsync();
    }

    /// <summary>The 1-based number of the first row whose top is inside the pane.</summary>
    private const string TopRowScript = """
        (() => {
          const pane = document.querySelector('.terminal'), top = pane.getBoundingClientRect().top;
          const row = [...pane.querySelectorAll('.term-row')].find(r => r.getBoundingClientRect().top >= top - 1);
          return row ? Number(row.id.slice(1)) : -1;
        })()
        """;

    private static async Task<int> TopRowAsync(IPage page) => await page.EvaluateAsync<int>(TopRowScript);

    private Task UploadAsync(string sessionId) =>
        AwsCli.PutSandboxTranscriptAsync(fixture.MotoEndpoint, sessionId, async writer =>
        {
            await writer.WriteAsync($"Script started on 2026-11-30 10:00:00+00:00 [COMMAND=\"cat x\"]\n[ssm-user@ip-10-0-1-23 ~]$ seq {Numbers}\r\n");
            var chunk = new StringBuilder();
            for (var i = 1; i <= Numbers; i++)
            {
                chunk.Append(i).Append("\r\n");
                if (chunk.Length > 1 << 20)
                {
                    await writer.WriteAsync(chunk);
                    chunk.Clear();
                }
            }

            await writer.WriteAsync(chunk.Append("[ssm-user@ip-10-0-1-23 ~]$ exit\r\nexit\r\n\nScript done on 2026-11-30 12:00:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n"));
        });
}
