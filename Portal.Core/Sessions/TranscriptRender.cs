using System.Buffers;
using System.Text.RegularExpressions;
using Portal.Core.Sessions.Terminal;

namespace Portal.Core.Sessions;

/// <summary>
/// One transcript rendered the way every reader of it sees it: the transcript page, the downloads and the search
/// index all go through here (and through <see cref="TranscriptRenderer"/>), so a line number in a search hit is the
/// line the page shows.
/// </summary>
internal sealed partial class TranscriptRender
{
    // Read from a stream a megabyte at a time: each piece is rendered and published before the next is read.
    private const int Piece = 1 << 20;

    private TranscriptRender(TranscriptDocument document) => Document = document;

    public const int MinColumns = 20;
    public const int MaxColumns = 500;

    /// <summary>The rows and lines an auditor reads, packed (still growing while a streamed render runs).</summary>
    public TranscriptDocument Document { get; }

    /// <summary>The instance the header's <c>script</c> command names, when it names one.</summary>
    public string? InstanceId => InstanceOf(Document.Header);

    /// <summary>A render already made, for another reader of it.</summary>
    public static TranscriptRender Of(TranscriptDocument document) => new(document);

    /// <summary>
    /// Renders <paramref name="content"/> (header, body, footer) at the given width or the inferred size, its rows taken
    /// from <paramref name="budget"/> when given (the document gives them back when released or collected).
    /// </summary>
    public static TranscriptRender Render(ReadOnlySpan<byte> content, int? columns, RenderBudget? budget = null)
    {
        CheckColumns(columns);

        var renderer = new TranscriptRenderer(columns, budget);
        renderer.Push(content);
        return new TranscriptRender(renderer.Complete());
    }

    /// <summary>
    /// Starts rendering a transcript as it is read from <paramref name="content"/>, and returns once its first piece is
    /// rendered: the document grows as the rest arrives (row for row what <see cref="Render"/> gives) and its
    /// <see cref="TranscriptDocument.Completion"/> says when it is whole, or why it stopped. At most
    /// <paramref name="maxBytes"/> are read. <paramref name="owner"/> (the response behind the stream) is disposed at the end.
    /// </summary>
    public static async Task<TranscriptRender> StartAsync(Stream content, long length, long maxBytes, int? columns, RenderBudget? budget, IDisposable? owner = null)
    {
        CheckColumns(columns);

        var renderer = new TranscriptRenderer(columns, budget);
        renderer.Document.ExpectedBytes = Math.Min(length, maxBytes);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Piece);
            try
            {
                // Nobody's cancellation stops it: other readers may share this render (SharedRenders).
                var read = 0L;
                while (read < maxBytes)
                {
                    var n = await content.ReadAtLeastAsync(buffer.AsMemory(0, (int)Math.Min(Piece, maxBytes - read)), 1, throwOnEndOfStream: false);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                    renderer.Push(buffer.AsSpan(0, n));
                    if (renderer.Rendered > 0)
                    {
                        started.TrySetResult(); // the first rows are in
                    }
                }

                renderer.Complete();
            }
            catch (Exception ex)
            {
                // Whoever reads the document learns of it from its completion; the rows published stay readable.
                renderer.Fail(ex);
            }
            finally
            {
                started.TrySetResult();
                ArrayPool<byte>.Shared.Return(buffer);
                await content.DisposeAsync();
                owner?.Dispose();
            }
        });

        await started.Task;
        return new TranscriptRender(renderer.Document);
    }

    /// <summary>Refuses a width outside <see cref="MinColumns"/> to <see cref="MaxColumns"/>, before anything is downloaded.</summary>
    public static void CheckColumns(int? columns)
    {
        if (columns is < MinColumns or > MaxColumns)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), $"Choose a width from {MinColumns} to {MaxColumns} columns.");
        }
    }

    /// <summary>
    /// Newer util-linux writes the command <c>script</c> ran into the header, and the agent's path in it names the
    /// instance: <c>cat /var/lib/amazon/ssm/i-0123…/session/orchestration/…</c>.
    /// </summary>
    internal static string? InstanceOf(string? header) =>
        header is not null && InstancePath().Match(header) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"/var/lib/amazon/ssm/((?:i|mi)-[0-9a-f]{8,17})/session/", RegexOptions.CultureInvariant)]
    private static partial Regex InstancePath();
}
