using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Playwright;

namespace Portal.Benchmarks;

/// <summary>
/// <c>browser &lt;Portal.Web.dll&gt; [megabytes] [runs]</c>: opens large transcripts in Chromium the way an auditor
/// does, on the sandbox the portal starts (moto), and reports what the auditor waits for and what the server holds:
/// navigation to the first transcript row on screen, to the whole transcript rendered, the longest main-thread task
/// meanwhile, pressing End to the last row on screen, and the server's memory with one viewer and with two.
/// Two transcripts of the given size: ordinary sessions one after another (tens of thousands of commands), and one
/// `seq` of millions of lines. Each run opens a copy under a new session id, so every run renders from S3 afresh.
/// </summary>
internal static class BrowserOpenBench
{
    private const string Bucket = "bastion-session-logs-sandbox";

    // In the page: when the first row appears, and every long task (over 50 ms) from navigation on.
    private const string Probe = """
        window.__bench = { longTasks: [] };
        new PerformanceObserver(list => { for (const e of list.getEntries()) window.__bench.longTasks.push(e.duration); })
          .observe({ type: 'longtask', buffered: true });
        new MutationObserver(() => {
          if (!window.__bench.firstRow && document.getElementById('L1')) window.__bench.firstRow = performance.now();
        }).observe(document, { childList: true, subtree: true });
        """;

    public static async Task RunAsync(string portalDll, int megabytes, int runs)
    {
        var port = FreePort();
        var motoPort = FreePort();
        var data = Directory.CreateTempSubdirectory("portal-browser-bench-").FullName;
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var moto = new Uri($"http://127.0.0.1:{motoPort}/");
        using var portal = StartPortal(portalDll, baseAddress, moto, data);
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-alice");
            await WaitUntilUpAsync(http);

            var transcripts = new (string Name, byte[] Content)[] { ("ordinary sessions", Sessions(megabytes)), ("seq", Seq(megabytes)) };
            using var s3 = new AmazonS3Client(new BasicAWSCredentials("bench", "bench"), new AmazonS3Config { ServiceURL = moto.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
            var ids = new Dictionary<string, List<string>>();
            foreach (var (name, content) in transcripts)
            {
                ids[name] = [];
                for (var run = 0; run <= runs; run++)
                {
                    var id = $"carol-{RandomHex(17)}";
                    await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = $"sessionmanager/{id}.log", InputStream = new MemoryStream(content), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
                    ids[name].Add(id);
                }
            }

            // The indexer reads the new objects too; let it finish, so the runs measure the page alone.
            await WaitForIndexAsync(http, transcripts.Length * (runs + 1));

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = ["--no-sandbox"], Headless = true });
            var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
            var signIn = await context.NewPageAsync();
            await signIn.GotoAsync("/signin");
            await signIn.GetByTestId("signin-carol").ClickAsync();
            await signIn.WaitForURLAsync(baseAddress + string.Empty);
            await signIn.CloseAsync();

            Console.WriteLine($"Chromium {browser.Version}, {Environment.ProcessorCount} cores; each transcript {megabytes} MB, {runs} runs (plus a warm-up run not counted)");
            Console.WriteLine();
            Console.WriteLine("| transcript | rows | first rows on screen | whole transcript rendered | longest task | End to last row | document, one viewer | two viewers | process growth |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (name, content) in transcripts)
            {
                var results = new List<Run>();
                for (var run = 0; run <= runs; run++)
                {
                    var result = await OpenAsync(context, http, portal, ids[name][run]);
                    if (run > 0)
                    {
                        results.Add(result);
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} ({content.Length / 1e6:F1} MB) | {results[0].Rows:N0} | {Median(results, r => r.FirstRowMs):F0} ms (worst {results.Max(r => r.FirstRowMs):F0}) | {Median(results, r => r.CompleteMs):F0} ms | {results.Max(r => r.LongestTaskMs):F0} ms | {Median(results, r => r.EndMs):F0} ms | {Median(results, r => r.OneViewerMb):F0} MB | {Median(results, r => r.TwoViewersMb):F0} MB | {Median(results, r => r.ResidentGrowthMb):F0} MB |"));
            }

            Console.WriteLine();
            Console.WriteLine("Times from navigation start, medians of the runs (first rows: worst too; longest task: the worst of any run).");
            Console.WriteLine("Server memory: what the transcript's document holds (rows, text and lines, from GET /api/system), with one viewer and with a second viewer of the same transcript open beside it (one render, shared); and how much the portal process's resident memory grew from before the first viewer opened it to when both had it open.");
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

    private sealed record Run(int Rows, double FirstRowMs, double CompleteMs, double LongestTaskMs, double EndMs, double OneViewerMb, double TwoViewersMb, double ResidentGrowthMb);

    /// <summary>The process's resident memory (Linux), or 0.</summary>
    private static long ResidentBytes(Process process)
    {
        var status = $"/proc/{process.Id}/status";
        var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) : null;
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task<Run> OpenAsync(IBrowserContext context, HttpClient http, Process portal, string sessionId)
    {
        var rssBefore = ResidentBytes(portal);

        var page = await context.NewPageAsync();
        await page.AddInitScriptAsync(Probe);
        await page.GotoAsync($"/sessions/{sessionId}", new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("#L1").WaitForAsync(new() { Timeout = 120_000 });
        await page.GetByTestId("transcript-complete").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 300_000 });
        var complete = await page.EvaluateAsync<double>("performance.now()");
        var firstRow = await page.EvaluateAsync<double>("window.__bench.firstRow");
        var rows = int.Parse((await page.GetByTestId("transcript-metadata").Locator("tr", new() { HasText = "Rows" }).Locator("td").Nth(1).InnerTextAsync()).Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);

        // End, as an auditor would, to the very last row.
        await page.GetByTestId("transcript-view").FocusAsync();
        var clock = Stopwatch.StartNew();
        await page.Keyboard.PressAsync("End");
        await page.WaitForFunctionAsync(
            """n => { const pane = document.querySelector('.terminal'), row = document.getElementById('L' + n); if (!pane || !row) return false; const a = pane.getBoundingClientRect(), b = row.getBoundingClientRect(); return b.top >= a.top - 1 && b.bottom <= a.bottom + 1; }""",
            rows,
            new() { Timeout = 60_000 });
        var end = clock.Elapsed.TotalMilliseconds;
        var longest = await page.EvaluateAsync<double>("Math.max(0, ...window.__bench.longTasks)");

        var (oneCount, one) = await HeldAsync(http, sessionId);
        var second = await context.NewPageAsync();
        await second.GotoAsync($"/sessions/{sessionId}");
        await second.GetByTestId("transcript-complete").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 300_000 });
        var (twoCount, two) = await HeldAsync(http, sessionId);
        if ((oneCount, twoCount) != (1, 1))
        {
            throw new InvalidOperationException($"Expected one shared render of {sessionId}, found {oneCount} with one viewer and {twoCount} with two.");
        }

        var rss = ResidentBytes(portal) - rssBefore;
        await second.CloseAsync();
        await page.CloseAsync();
        return new Run(rows, firstRow, complete, longest, end, one / 1e6, two / 1e6, rss / 1e6);
    }

    /// <summary>How many renders of the transcript the portal holds, and their memory (GET /api/system).</summary>
    private static async Task<(int Count, long Bytes)> HeldAsync(HttpClient http, string sessionId)
    {
        using var system = JsonDocument.Parse(await http.GetStringAsync("/api/system"));
        var held = system.RootElement.GetProperty("memory").GetProperty("transcripts").EnumerateArray()
            .Where(t => t.GetProperty("key").GetString()!.Contains(sessionId, StringComparison.Ordinal))
            .Select(t => t.GetProperty("bytes").GetInt64())
            .ToList();
        return (held.Count, held.Sum());
    }

    private static async Task WaitForIndexAsync(HttpClient http, int added)
    {
        var clock = Stopwatch.StartNew();
        int? first = null;
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            using var system = JsonDocument.Parse(await http.GetStringAsync("/api/system"));
            var sessions = system.RootElement.GetProperty("index").GetProperty("sessions").GetInt32();
            first ??= sessions;
            if (sessions >= first + added || (clock.Elapsed > TimeSpan.FromSeconds(20) && system.RootElement.GetProperty("index").GetProperty("state").GetString() == "Idle"))
            {
                return;
            }

            await Task.Delay(1000);
        }
    }

    private static double Median(List<Run> runs, Func<Run, double> value)
    {
        var sorted = runs.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Starts the portal on its sandbox, with <paramref name="settings"/> as further environment variables.</summary>
    internal static Process StartPortal(string dll, Uri baseAddress, Uri moto, string data, IReadOnlyDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.GetFullPath(dll));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString());
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Portal__Database__DataDirectory"] = data;
        start.Environment["Portal__Aws__ServiceUrl"] = moto.ToString();
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitUntilUpAsync(HttpClient http)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                using var response = await http.GetAsync("/api/system");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not up yet.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("The portal did not start.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RandomHex(int length) => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(length))[..length];

    /// <summary>Ordinary sessions one after another (the index bench's corpus), to the size asked.</summary>
    private static byte[] Sessions(int megabytes)
    {
        var target = megabytes * 1_000_000L;
        using var output = new MemoryStream();
        output.Write("Script started on 2026-11-30 10:00:00+00:00 [COMMAND=\"cat /var/lib/amazon/ssm/i-0123456789abcdef0/session/orchestration/x/Standard_Stream/ipcTempFile.log\"]\n"u8);
        var now = DateTimeOffset.Parse("2026-11-30T12:00:00Z", CultureInfo.InvariantCulture);
        for (var n = 0; output.Length < target; n++)
        {
            var session = CorpusGenerator.Session(n, now).Content;
            var file = Portal.Core.Sessions.Terminal.TranscriptFile.Parse(session);
            output.Write(session.AsSpan(file.BodyOffset, file.BodyLength));
        }

        output.Write("\r\n\nScript done on 2026-11-30 12:00:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n"u8);
        return output.ToArray();
    }

    /// <summary>One command, `seq`, printing numbers to the size asked.</summary>
    private static byte[] Seq(int megabytes)
    {
        var target = megabytes * 1_000_000L;
        var builder = new StringBuilder("Script started on 2026-11-30 10:00:00+00:00 [COMMAND=\"cat x\"]\n[ssm-user@ip-10-0-1-23 ~]$ seq 99999999\r\r\n");
        for (var i = 1; builder.Length < target; i++)
        {
            builder.Append(i).Append("\r\r\n");
        }

        builder.Append("^C\r\r\n[ssm-user@ip-10-0-1-23 ~]$ exit\r\r\nexit\r\r\n\nScript done on 2026-11-30 12:00:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n");
        return Encoding.ASCII.GetBytes(builder.ToString());
    }
}
