using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Tests.TestSupport;

/// <summary>Waits, over the API, for a sandbox portal's indexer to see the seeded transcripts.</summary>
internal static class SeededSessions
{
    /// <summary>Waits for the indexer's first pass over the seeded bucket (at least <paramref name="all"/> sessions); returns the session count.</summary>
    public static async Task<int> IndexedAsync(HttpClient client, int all = 5)
    {
        for (var i = 0; i < 150; i++)
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/sessions?limit=1");
            if (page.GetProperty("total").GetInt32() >= all)
            {
                return page.GetProperty("total").GetInt32();
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The indexer did not index the seeded transcripts within 30 s.");
    }

    /// <summary>A seeded session's id, once the indexer has seen them.</summary>
    public static async Task<string> FirstAsync(HttpClient client)
    {
        await IndexedAsync(client, all: 1);
        return (await client.GetFromJsonAsync<JsonElement>("/api/sessions?limit=1")).GetProperty("items")[0].GetProperty("sessionId").GetString()!;
    }
}
