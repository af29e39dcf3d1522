using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Core.Aws;
using Portal.Core.Sessions;
using Portal.Core.Sessions.Annotations;
using Portal.Core.Sessions.Redaction;
using Portal.Core.Sessions.Terminal;
using Portal.Web.Auth;
using Portal.Web.Components.Sessions;

namespace Portal.Web.Components.Pages.Sessions;

public partial class TranscriptPage : IAsyncDisposable
{
    private static readonly int[] StandardWidths = [80, 100, 120, 132, 160, 200];

    // The width select's value for "as the transcript shows it" (no width chosen).
    private const int Inferred = 0;
    private List<BreadcrumbItem> _breadcrumbs = [];
    private RenderedTranscript? _transcript;
    private const int MaxHits = 10_000;
    private List<int> _hits = [];
    private bool _hitsCapped;
    private List<SessionCommand> _commands = [];
    private int _flaggedCommands;
    private TerminalViewport? _viewport;
    private readonly CancellationTokenSource _closed = new();
    private int? _pendingScroll;
    private int? _pendingLine;
    private HashSet<int> _hitSet = [];
    private TranscriptChanges? _changes;
    private bool _badVersion;
    private AwsApiException? _error;
    private bool _loading = true;
    private bool _invalid;
    private bool _notConfigured;
    private bool _renderFailed;
    private bool _followed;
    private bool _revealed;
    private RedactedDocument? _redacted;
    private bool _showLines;
    private int? _columns;
    private string? _query;
    private AnnotationsPanel? _annotationsPanel;
    private IReadOnlyList<SessionAnnotation> _annotations = [];
    private HashSet<int> _annotatedLines = [];
    private int[] _annotatedRows = []; // first rows of the annotated lines, in order: the pane looks them up, the timeline draws them

    [Parameter]
    public string SessionId { get; set; } = string.Empty;

    /// <summary>An S3 version id to read instead of the agent's first version.</summary>
    [SupplyParameterFromQuery(Name = "version")]
    public string? Version { get; set; }

    [Inject]
    private ITranscriptReader Transcripts { get; set; } = default!;

    /// <summary>The same transcripts without an audit record, for the live page's read of a view its prerender recorded.</summary>
    [Inject]
    private ISessionTranscripts SharedTranscripts { get; set; } = default!;

    [Inject]
    private ICommandExtractor Commands { get; set; } = default!;

    [Inject]
    private SecretMasker Masker { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        _breadcrumbs = [new(L["Sessions"], "/sessions"), new(L["Transcript"], null, disabled: true)];
        _invalid = !SessionIds.IsValid(SessionId);
        if (_invalid)
        {
            _loading = false;
            return;
        }

        // A page loaded in full is prerendered with its first rows, so they show before the circuit is up; the live page
        // then reads the same render (shared, see SharedRenders) and follows it to the end.
        if (!RendererInfo.IsInteractive)
        {
            await LoadAsync();
            Prerendered = _transcript?.Handle;
            return;
        }

        // A deep link (#L120 to a row, #line-12 to a logical line) is honoured when the page opens, not again on every
        // width change.
        (_pendingScroll, _pendingLine) = (RowFromFragment("#L"), RowFromFragment("#line-"));

        // The live page of a prerendered one takes the same render at once (no await, so its first render shows the
        // same rows, without a flash of "loading"); the view is already on the audit trail.
        if (Prerendered is { } handle && IsThisView(handle) && SharedTranscripts.FindOpen(handle) is { } open)
        {
            Prerendered = null;
            Show(open, (await AuthenticationState).User.ActorOf());
            return;
        }

        await LoadAsync();
    }

    /// <summary>
    /// The view the prerender read and recorded on the audit trail, carried to the live page in the prerendered state
    /// (protected by the key ring, so a browser cannot make one up): the live page reads that same view without a
    /// second record.
    /// </summary>
    [PersistentState]
    public TranscriptHandle? Prerendered { get; set; }

    private bool IsThisView(TranscriptHandle handle) =>
        handle.SessionId == SessionId && handle.Columns == _columns && (Version is null || handle.VersionId == Version);

    private async Task LoadAsync()
    {
        _loading = true;
        try
        {
            // Each read is audited by Core, a width change included; the agent's version read to compare is too.
            var actor = (await AuthenticationState).User.ActorOf();

            // Opened, not rendered: the first rows show at once and the rest arrive while the auditor reads. The live
            // page of a prerendered one whose render is gone (another replica, collected) reads the recorded view again.
            var recorded = RendererInfo.IsInteractive && Prerendered is { } handle && IsThisView(handle);
            Prerendered = null;
            var transcript = recorded
                ? await SharedTranscripts.OpenAsync(SessionId, _columns, Version)
                : await Transcripts.OpenAsync(actor, SessionId, _columns, Version);
            Show(transcript, actor);
        }
        catch (AwsApiException ex)
        {
            _error = ex;
        }
        catch (InvalidOperationException)
        {
            _notConfigured = true;
        }
        catch (ArgumentException ex) when (ex.ParamName == "versionId")
        {
            _badVersion = true;
        }
        finally
        {
            _loading = false;
        }
    }

    /// <summary>Shows a transcript; on the live page, follows its render.</summary>
    private void Show(RenderedTranscript? transcript, string actor)
    {
        _transcript = transcript;
        _redacted = transcript is null ? null : new RedactedDocument(transcript.Document, Masker);
        _changes = null;
        _commands = [];
        _flaggedCommands = 0;
        _followed = false;
        _error = null;
        _loading = false;
        if (!RendererInfo.IsInteractive)
        {
            return; // the prerendered page shows the first rows; the live page follows the render
        }

        FindHits();
        if (transcript is not null)
        {
            _ = FollowRenderAsync(actor, transcript, _columns);
        }
    }

    /// <summary>Shows the rows as they are rendered, then what needs all of them: commands, matches, the timeline, changes.</summary>
    private async Task FollowRenderAsync(string actor, RenderedTranscript transcript, int? columns)
    {
        var document = transcript.Document;
        var closed = _closed.Token;
        try
        {
            while (!document.IsComplete)
            {
                await Task.WhenAny(document.Completion, Task.Delay(250, closed));
                closed.ThrowIfCancellationRequested();
                await InvokeAsync(StateHasChanged);
            }

            await document.Completion;
            var changes = transcript is { IsFirstVersion: false } && await Transcripts.RenderAsync(actor, SessionId, TranscriptUse.View, columns, cancellationToken: closed) is { } first
                ? TranscriptChanges.Between(first.Document, document)
                : null;
            var commands = await Task.Run(() => Commands.Extract(document).ToList(), closed);
            await InvokeAsync(() =>
            {
                if (_transcript != transcript)
                {
                    return; // a width change replaced it meanwhile
                }

                (_changes, _commands, _followed) = (changes, commands, true);
                _flaggedCommands = commands.Count(c => c.Flags.Count > 0);
                FindHits();
                MarkAnnotations(); // line starts are final now
                StateHasChanged();
            });
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
        catch (AwsApiException ex)
        {
            await InvokeAsync(() =>
            {
                _error = ex;
                StateHasChanged();
            });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await InvokeAsync(() =>
            {
                _renderFailed = true;
                StateHasChanged();
            });
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_pendingScroll is { } row && _transcript is not null && !_loading)
        {
            _pendingScroll = null;
            await ScrollToAsync(row);
        }

        // A line is where it is once it is rendered (a clear later in the transcript can move where it starts).
        if (_pendingLine is { } line && _transcript is not null && !_loading && (Document.IsComplete || line < Document.LineCount))
        {
            _pendingLine = null;
            if (RowOfLine(line) is { } start)
            {
                await ScrollToAsync(start);
            }
        }
    }

    /// <summary>Brings a row (1-based) into view; deep links (#L120) land here too.</summary>
    private async Task ScrollToAsync(int row)
    {
        if (_showLines)
        {
            _showLines = false;
            StateHasChanged();
        }

        if (_viewport is not null)
        {
            await _viewport.ScrollToAsync(row);
        }
    }

    private int? RowFromFragment(string prefix)
    {
        var fragment = new Uri(Navigation.Uri).Fragment;
        return fragment.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(fragment[prefix.Length..], out var number) && number > 0 ? number : null;
    }

    private async Task WidthChangedAsync(int columns)
    {
        _columns = columns == Inferred ? null : columns;
        await LoadAsync();
    }

    private void SearchChanged(string? query)
    {
        _query = query;
        FindHits();
    }

    private TranscriptDocument Document => _transcript!.Document;

    /// <summary>Lines holding the query, case-insensitive; the first <see cref="MaxHits"/> are kept.</summary>
    private void FindHits()
    {
        _hits = [];
        _hitsCapped = false;
        if (!string.IsNullOrEmpty(_query) && _transcript is not null)
        {
            var scratch = new System.Text.StringBuilder();
            var buffer = new char[256];
            for (var i = 0; i < Document.LineCount; i++)
            {
                // Masked lines are searched as shown, so a search cannot find a secret it would not show.
                var text = Masking ? _redacted!.LineText(i).AsSpan() : Document.LineText(i, scratch, ref buffer);
                if (text.Contains(_query, StringComparison.OrdinalIgnoreCase))
                {
                    if (_hits.Count == MaxHits)
                    {
                        _hitsCapped = true;
                        break;
                    }

                    _hits.Add(i);
                }
            }
        }

        _hitSet = [.. _hits];
        if (_hits.Count > 0)
        {
            _showLines = true;
        }
    }

    private bool IsHit(int lineIndex) => _hitSet.Contains(lineIndex);

    private bool IsAnnotatedRow(int row) => Array.BinarySearch(_annotatedRows, row) >= 0;

    /// <summary>Asks what to say about a line (0-based), from a click on its number.</summary>
    private Task AnnotateLineAsync(int line) =>
        _annotationsPanel is null || line < 0 || line >= Document.LineCount
            ? Task.CompletedTask
            : _annotationsPanel.AnnotateAsync(line + 1, Document.LineFirstRow(line) + 1, LineText(line));

    /// <summary>Where a 1-based line starts as shown (1-based row); null until it is rendered.</summary>
    private int? RowOfLine(int line) => _transcript is not null && line >= 1 && line <= Document.LineCount ? Document.LineFirstRow(line - 1) + 1 : null;

    private void AnnotationsChanged(IReadOnlyList<SessionAnnotation> annotations)
    {
        _annotations = annotations;
        MarkAnnotations();
    }

    /// <summary>The lines and rows that bookmarks and comments mark, for the pane and the timeline.</summary>
    private void MarkAnnotations()
    {
        var lines = _annotations.Where(a => a.Line is { } line && _transcript is not null && line <= Document.LineCount).Select(a => a.Line!.Value - 1).ToHashSet();
        _annotatedLines = lines;
        _annotatedRows = [.. lines.Select(Document.LineFirstRow).Order()];
    }

    /// <summary>True while secrets are masked: redaction is on and no Admin revealed them.</summary>
    private bool Masking => Masker.Enabled && !_revealed && _redacted is not null;

    private string RowHtml(int row) => Masking ? _redacted!.RowHtml(row) : Document.RowHtml(row);

    private string LineText(int line) => Masking ? _redacted!.LineText(line) : Document.LineText(line);

    private string LineDisplayText(int line) => Masking ? _redacted!.LineDisplayText(line) : Document.LineDisplayText(line);

    private string Shown(string text) => Masking ? Masker.MaskLine(text) : text;

    /// <summary>An Admin shows the secrets: recorded on the audit trail first.</summary>
    private async Task RevealAsync()
    {
        var actor = (await AuthenticationState).User.ActorOf();
        await Transcripts.RecordRevealAsync(actor, SessionId, "the transcript page"); // for the audit trail, in English
        _revealed = true;
        FindHits();
    }

    private string Download(string format)
    {
        var query = new List<string>();
        if (_columns is { } columns && format != "raw")
        {
            query.Add($"columns={columns}");
        }

        if (_transcript is { IsFirstVersion: false, VersionId: { } version })
        {
            query.Add($"version={Uri.EscapeDataString(version)}");
        }

        if (_revealed && format is "text" or "html")
        {
            query.Add("reveal=true"); // recorded again by the download
        }

        return $"/downloads/sessions/{Uri.EscapeDataString(SessionId)}/{format}" + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query));
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);

        // Stops following the render; the render itself goes on for whoever else reads the transcript.
        await _closed.CancelAsync();
        _closed.Dispose();
    }

    private static string? KindClass(RowKind kind) => kind switch
    {
        RowKind.FullScreenSnapshot => "kept snapshot",
        RowKind.Cleared => "kept cleared",
        _ => null,
    };

    private static string Snippet(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
