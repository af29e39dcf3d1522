using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Playwright;

namespace Portal.Benchmarks;

/// <summary>
/// <c>search-page &lt;Portal.Web.dll&gt; &lt;index file&gt; [runs]</c>: times search and the filtered sessions list
/// in Chromium, as an auditor meets them, on an index the <c>index</c> bench built (100,000 sessions for issue 16).
/// The portal runs on its sandbox with that index file and its indexer off, so the page reads exactly what the index
/// bench timed. Search: on one open search page, the queries one after another, from pressing Enter to the results and
/// the summary on screen (the progress bar gone). Sessions list: from navigation start to the first filtered row on
/// screen, the filter in the address as a link from elsewhere gives it, and the unfiltered page for reference. One
/// warm-up round, not counted; then medians and worsts.
/// </summary>
internal static class BrowserSearchBench
{
    private static readonly string[] Queries = ["10.0.1.23", "ip-10-0-1-23", "/usr/lib/systemd/system/", "/var/log", "rm -rf", "sudo", "Accepted publickey", "passwd", "rf"];

    private static readonly string[] Filters = ["", "tail -n", "rm -rf", "user07"];

    public static async Task RunAsync(string portalDll, string indexFile, int runs)
    {
        var port = BrowserOpenBench.FreePort();
        var motoPort = BrowserOpenBench.FreePort();
        var data = Directory.CreateTempSubdirectory("portal-search-bench-").FullName;
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var settings = new Dictionary<string, string>
        {
            ["Portal__Sessions__Index__FilePath"] = Path.GetFullPath(indexFile),
            ["Portal__Sessions__Index__Enabled"] = "false",
        };
        using var portal = BrowserOpenBench.StartPortal(portalDll, baseAddress, new Uri($"http://127.0.0.1:{motoPort}/"), data, settings);
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-alice");
            await BrowserOpenBench.WaitUntilUpAsync(http);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = ["--no-sandbox"], Headless = true });
            var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/signin");
            await page.GetByTestId("signin-carol").ClickAsync();
            await page.WaitForURLAsync(baseAddress + string.Empty);

            Console.WriteLine($"Chromium {browser.Version}, {Environment.ProcessorCount} cores; index {new FileInfo(indexFile).Length / 1e9:F2} GB; {runs} runs after a warm-up run");
            Console.WriteLine();
            // One search page, as an auditor keeps it open: the queries one after another, every round (the first a
            // warm-up), with a pause before each as typing takes.
            await page.GotoAsync("/search");
            await page.Locator("[data-interactive=true]").WaitForAsync();
            var times = Queries.ToDictionary(q => q, _ => new List<double>());
            var hits = new Dictionary<string, int>();
            for (var run = 0; run <= runs; run++)
            {
                foreach (var query in Queries)
                {
                    await page.GetByTestId("search-input").FillAsync(query);
                    await Task.Delay(300);
                    var clock = Stopwatch.StartNew();
                    await page.GetByTestId("search-input").PressAsync("Enter");
                    await page.WaitForFunctionAsync(
                        """q => { const s = document.querySelector('[data-testid=search-summary]'); return s && s.textContent.includes('"' + q + '"') && !document.querySelector('.mud-progress-linear'); }""",
                        query,
                        new() { Timeout = 60_000, PollingInterval = 5 });
                    if (run > 0)
                    {
                        times[query].Add(clock.Elapsed.TotalMilliseconds);
                    }

                    hits[query] = await page.GetByTestId("search-hit").CountAsync();
                }
            }

            Console.WriteLine("| search, Enter to results on screen | results | median ms | worst ms |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var query in Queries)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{query}` | {hits[query]} | {Median(times[query]):F0} | {times[query].Max():F0} |"));
            }

            Console.WriteLine();
            Console.WriteLine("| sessions list, text filter in the address: navigation start to the first row on screen | rows | median ms | worst ms |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var filter in Filters)
            {
                var shown = new List<double>();
                var rows = 0;
                for (var run = 0; run <= runs; run++)
                {
                    await page.GotoAsync("/");
                    await page.GotoAsync(filter.Length == 0 ? "/sessions" : $"/sessions?text={Uri.EscapeDataString(filter)}", new() { WaitUntil = WaitUntilState.Commit });
                    await page.GetByTestId("session-link").First.WaitForAsync(new() { Timeout = 60_000 });
                    if (run > 0)
                    {
                        shown.Add(await page.EvaluateAsync<double>("performance.now()"));
                    }

                    rows = await page.GetByTestId("session-link").CountAsync();
                }

                var name = filter.Length == 0 ? "none (the page alone, for reference)" : $"`{filter}`";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {rows} | {Median(shown):F0} | {shown.Max():F0} |"));
            }
        }
        finally
        {
            try
            {
                portal.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            Directory.Delete(data, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
