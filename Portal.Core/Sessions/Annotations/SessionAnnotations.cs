using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;
using Portal.Core.Persistence;
using Portal.Core.Sessions.Redaction;
using Portal.Core.Text;

namespace Portal.Core.Sessions.Annotations;

/// <summary>
/// Auditors' tags, bookmarks and comments on sessions and their lines: in the portal's database (every replica sees
/// them), each addition and removal on the audit trail, removed ones kept on record for evidence bundles.
/// </summary>
public interface ISessionAnnotations
{
    /// <summary>A session's current annotations, tags first, then in line order (the whole session's first), oldest first.</summary>
    /// <exception cref="ArgumentException">The session id is invalid.</exception>
    Task<IReadOnlyList<SessionAnnotation>> ListAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Every annotation a session ever had, removed ones included, oldest first: for evidence bundles.</summary>
    Task<IReadOnlyList<SessionAnnotation>> HistoryAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Adds an annotation in <paramref name="actor"/>'s name, on the audit trail. A tag the session already has is not added twice.</summary>
    /// <exception cref="ArgumentException">The session id is invalid.</exception>
    /// <exception cref="AnnotationException">The annotation is not well formed (<see cref="AnnotationRefusal.Invalid"/>).</exception>
    Task<SessionAnnotation> AddAsync(string actor, string sessionId, NewAnnotation annotation, CancellationToken cancellationToken = default);

    /// <summary>Removes an annotation, on the audit trail: its author may, and an Admin (<paramref name="mayRemoveAnyone"/>).</summary>
    /// <exception cref="AnnotationException">There is no such annotation, or it is someone else's.</exception>
    Task RemoveAsync(string actor, bool mayRemoveAnyone, string sessionId, long id, CancellationToken cancellationToken = default);

    /// <summary>Current annotations whose text or tag holds <paramref name="text"/> (any case), newest first.</summary>
    Task<IReadOnlyList<SessionAnnotation>> SearchAsync(string text, int take, CancellationToken cancellationToken = default);

    /// <summary>Every tag some session has now, in alphabetical order (case aside), for pickers.</summary>
    Task<IReadOnlyList<string>> TagsAsync(CancellationToken cancellationToken = default);

    /// <summary>The sessions that have <paramref name="tag"/> now (any case).</summary>
    Task<IReadOnlyCollection<string>> SessionsTaggedAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>Tags and note counts of the sessions given (those with none are left out): one query for a page of a list.</summary>
    Task<IReadOnlyDictionary<string, AnnotationSummary>> SummariesAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken = default);
}

internal sealed class SessionAnnotations(IDbContextFactory<PortalDbContext> contexts, IAuditTrail audit, SecretMasker masker, TimeProvider time) : ISessionAnnotations
{
    private const int MaxTagLength = AnnotationLimits.MaxTagLength;
    private const int MaxLabelLength = AnnotationLimits.MaxLabelLength;
    private const int MaxCommentLength = AnnotationLimits.MaxCommentLength;
    private const int MaxQuoteLength = AnnotationLimits.MaxQuoteLength;
    private const int MaxFoldedLength = AnnotationLimits.MaxFoldedLength;

    public async Task<IReadOnlyList<SessionAnnotation>> ListAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(sessionId);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Annotations.AsNoTracking()
            .Where(a => a.SessionId == sessionId && a.RemovedAt == null)
            .OrderBy(a => a.Id)
            .ToListAsync(cancellationToken);
        return [.. records.Select(r => r.ToAnnotation()).OrderBy(a => a.Kind != AnnotationKind.Tag).ThenBy(a => a.Line ?? 0)];
    }

    public async Task<IReadOnlyList<SessionAnnotation>> HistoryAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(sessionId);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Annotations.AsNoTracking().Where(a => a.SessionId == sessionId).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        return [.. records.Select(r => r.ToAnnotation())];
    }

    public async Task<SessionAnnotation> AddAsync(string actor, string sessionId, NewAnnotation annotation, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ArgumentNullException.ThrowIfNull(annotation);
        ThrowIfInvalid(sessionId);
        var text = Validate(annotation);
        var tagKey = annotation.Kind == AnnotationKind.Tag ? text.ToLowerInvariant() : null;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (tagKey is not null && await db.Annotations.AsNoTracking().FirstOrDefaultAsync(a => a.SessionId == sessionId && a.TagKey == tagKey && a.RemovedAt == null, cancellationToken) is { } existing)
        {
            return existing.ToAnnotation();
        }

        var record = new AnnotationRecord
        {
            SessionId = sessionId,
            Kind = annotation.Kind,
            Line = annotation.Kind == AnnotationKind.Tag ? null : annotation.Line,
            Quote = annotation.Kind == AnnotationKind.Tag ? null : Quote(annotation.Quote),
            Text = text,
            TagKey = tagKey,
            Folded = string.Empty,
            Author = actor,
            CreatedAt = time.GetUtcNow(),
        };
        var folded = $"{record.Text}\n{record.Quote}".ToLowerInvariant();
        record.Folded = folded.Length <= MaxFoldedLength ? folded : folded[..MaxFoldedLength]; // a few letters lengthen when folded
        db.Annotations.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(new AuditRecord(actor, AuditActions.SessionAnnotate, sessionId, AuditOutcome.Succeeded, Describe(record)), CancellationToken.None);
        return record.ToAnnotation();
    }

    public async Task RemoveAsync(string actor, bool mayRemoveAnyone, string sessionId, long id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ThrowIfInvalid(sessionId);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.Annotations.FirstOrDefaultAsync(a => a.Id == id && a.SessionId == sessionId && a.RemovedAt == null, cancellationToken)
            ?? throw new AnnotationException(AnnotationRefusal.NotFound, new Phrase("Session {0} has no annotation {1}.", sessionId, id));
        if (!mayRemoveAnyone && !string.Equals(record.Author, actor, StringComparison.Ordinal))
        {
            await audit.RecordAsync(new AuditRecord(actor, AuditActions.SessionAnnotationRemove, sessionId, AuditOutcome.Denied, $"{Describe(record)}, written by {record.Author}"), CancellationToken.None);
            throw new AnnotationException(AnnotationRefusal.NotYours, new Phrase("Only {0}, who wrote it, or an Admin may remove this annotation.", record.Author));
        }

        (record.RemovedBy, record.RemovedAt) = (actor, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(new AuditRecord(actor, AuditActions.SessionAnnotationRemove, sessionId, AuditOutcome.Succeeded, Describe(record)), CancellationToken.None);
    }

    public async Task<IReadOnlyList<SessionAnnotation>> SearchAsync(string text, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var needle = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(needle))
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Few annotations exist next to transcript lines; a scan of the current ones answers in milliseconds. The text is
        // kept folded to lower case (PostgreSQL compares case-sensitively, SQLite folds ASCII only), so both find alike.
#pragma warning disable CA1307, CA1309 // an ordinal Contains, translated to each database's substring search
        var records = await db.Annotations.AsNoTracking()
            .Where(a => a.RemovedAt == null && a.Folded.Contains(needle))
            .OrderByDescending(a => a.Id)
            .Take(take)
            .ToListAsync(cancellationToken);
#pragma warning restore CA1307, CA1309
        return [.. records.Select(r => r.ToAnnotation())];
    }

    public async Task<IReadOnlyList<string>> TagsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tags = await db.Annotations.AsNoTracking()
            .Where(a => a.RemovedAt == null && a.TagKey != null)
            .OrderBy(a => a.Id)
            .Select(a => new { a.TagKey, a.Text })
            .ToListAsync(cancellationToken);
        // The first spelling of each tag stands for it.
        return [.. tags.DistinctBy(t => t.TagKey).Select(t => t.Text).Order(StringComparer.OrdinalIgnoreCase)];
    }

    public async Task<IReadOnlyCollection<string>> SessionsTaggedAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        var key = tag.Trim().ToLowerInvariant();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var sessions = await db.Annotations.AsNoTracking()
            .Where(a => a.RemovedAt == null && a.TagKey == key)
            .Select(a => a.SessionId)
            .Distinct()
            .ToListAsync(cancellationToken);
        return sessions;
    }

    public async Task<IReadOnlyDictionary<string, AnnotationSummary>> SummariesAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        if (sessionIds.Count == 0)
        {
            return new Dictionary<string, AnnotationSummary>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Annotations.AsNoTracking()
            .Where(a => a.RemovedAt == null && sessionIds.Contains(a.SessionId))
            .OrderBy(a => a.Id)
            .Select(a => new { a.SessionId, a.Kind, a.Text })
            .ToListAsync(cancellationToken);
        return records.GroupBy(a => a.SessionId, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => new AnnotationSummary([.. g.Where(a => a.Kind == AnnotationKind.Tag).Select(a => a.Text)], g.Count(a => a.Kind != AnnotationKind.Tag)),
            StringComparer.Ordinal);
    }

    /// <summary>The annotation's text, trimmed, once it is known to be well formed.</summary>
    private static string Validate(NewAnnotation annotation)
    {
        var text = annotation.Text?.Trim() ?? string.Empty;
        if (annotation.Line is < 1)
        {
            throw new AnnotationException(AnnotationRefusal.Invalid, new Phrase("A line number starts at 1."));
        }

        switch (annotation.Kind)
        {
            case AnnotationKind.Tag:
                if (text.Length is 0 or > MaxTagLength || !text.All(IsTagChar))
                {
                    throw new AnnotationException(AnnotationRefusal.Invalid, new Phrase("A tag is 1 to {0} letters, digits and -_.:/# characters, without spaces.", MaxTagLength));
                }

                if (annotation.Line is not null)
                {
                    throw new AnnotationException(AnnotationRefusal.Invalid, new Phrase("A tag is on the whole session, not on a line: bookmark or comment the line instead."));
                }

                break;
            case AnnotationKind.Bookmark:
                if (annotation.Line is null)
                {
                    throw new AnnotationException(AnnotationRefusal.Invalid, new Phrase("A bookmark marks a line: say which."));
                }

                if (text.Length > MaxLabelLength)
                {
                    throw new AnnotationException(AnnotationRefusal.Invalid, new Phrase("A bookmark's label is at most {0} characters.", MaxLabelLength));
                }

                break;
            case AnnotationKind.Comment:
                if (text.Length is 0 or > MaxCommentLength)
                {
                    throw new AnnotationException(AnnotationRefusal.Invalid, new Phrase("A comment is 1 to {0:N0} characters.", MaxCommentLength));
                }

                break;
            default:
                throw new AnnotationException(AnnotationRefusal.Invalid, new Phrase("An annotation is a tag, a bookmark or a comment."));
        }

        return text;
    }

    private static bool IsTagChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/' or '#';

    /// <summary>The line as kept with the annotation: masked whatever the annotator was shown, cut, control characters out.</summary>
    private string? Quote(string? quote)
    {
        if (string.IsNullOrWhiteSpace(quote))
        {
            return null;
        }

        var masked = masker.MaskLine(quote);
        var length = Math.Min(masked.Length, MaxQuoteLength);
        if (length < masked.Length && char.IsHighSurrogate(masked[length - 1]))
        {
            length--; // not half a character
        }

        var clean = string.Create(length, masked, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
        return clean.TrimEnd();
    }

    private static string Describe(AnnotationRecord record)
    {
        var where = record.Line is { } line ? string.Create(CultureInfo.InvariantCulture, $" on line {line}") : record.Kind == AnnotationKind.Tag ? null : " on the session";
        var what = record.Kind.ToString().ToLowerInvariant();
        return record.Text.Length == 0 ? $"{what}{where}" : $"{what}{where}: {record.Text}";
    }

    private static void ThrowIfInvalid(string sessionId)
    {
        if (!SessionIds.IsValid(sessionId))
        {
            throw new ArgumentException("Not a Session Manager session id.", nameof(sessionId));
        }
    }
}
