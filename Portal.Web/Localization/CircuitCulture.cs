using System.Globalization;

namespace Portal.Web.Localization;

/// <summary>
/// A person's culture, captured on their circuit. Work that another thread's event starts (the indexer's progress,
/// another replica's change) runs with that thread's culture, even through <c>InvokeAsync</c>; a component wraps it
/// with the culture it captured, so the page it renders stays in the person's language.
/// </summary>
internal readonly record struct CircuitCulture(CultureInfo Culture, CultureInfo UICulture)
{
    /// <summary>The culture of the code running now: call on the circuit (in <c>OnInitialized</c>).</summary>
    public static CircuitCulture Capture() => new(CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);

    /// <summary>Runs <paramref name="action"/> in the captured culture.</summary>
    public Action Wrap(Action action)
    {
        var (culture, uiCulture) = (Culture, UICulture);
        return () =>
        {
            var (before, uiBefore) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
            try
            {
                action();
            }
            finally
            {
                (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (before, uiBefore);
            }
        };
    }

    /// <summary>Runs <paramref name="work"/> in the captured culture, its continuations included.</summary>
    public Func<Task> Wrap(Func<Task> work)
    {
        var (culture, uiCulture) = (Culture, UICulture);
        return async () =>
        {
            // Set inside this async method, the culture flows to its continuations and is undone when it returns.
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
            await work();
        };
    }
}
