using Portal.Core.Text;

namespace Portal.Core.Access;

/// <summary>The states of requests and grants as words, for sentences and for the pages' chips alike.</summary>
public static class AccessStates
{
    /// <summary>A grant's state: <c>approved</c>, <c>active</c>, <c>revoked</c>, <c>expired</c>.</summary>
    public static Phrase Said(GrantState state) => state switch
    {
        GrantState.Approved => new Phrase("approved"),
        GrantState.Active => new Phrase("active"),
        GrantState.Revoked => new Phrase("revoked"),
        _ => new Phrase("expired"),
    };

    /// <summary>A request's state: <c>pending</c>, <c>approved</c>, <c>denied</c>, <c>cancelled</c>, <c>expired</c>.</summary>
    public static Phrase Said(AccessRequestState state) => state switch
    {
        AccessRequestState.Pending => new Phrase("pending"),
        AccessRequestState.Approved => new Phrase("approved"),
        AccessRequestState.Denied => new Phrase("denied"),
        AccessRequestState.Cancelled => new Phrase("cancelled"),
        _ => new Phrase("expired"),
    };
}
