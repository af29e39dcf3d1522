namespace Portal.Web.Hosting;

/// <summary>
/// <c>health [URL]</c>: asks a running portal's <c>/healthz</c> and exits 0 when it answers 200, 1 otherwise. The
/// container's HEALTHCHECK runs it, since the runtime image has no curl or wget.
/// </summary>
internal static class HealthCommand
{
    private const string DefaultUrl = "http://127.0.0.1:8080/healthz";

    public static bool Matches(string[] args) => args is ["health", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        var url = args is [_, var given, ..] ? given : DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            await output.WriteLineAsync($"'{url}' is not an http(s) URL.");
            return TokensCommand.Usage;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(address);
            await output.WriteLineAsync($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"{address} did not answer: {ex.Message}");
            return 1;
        }
    }
}
