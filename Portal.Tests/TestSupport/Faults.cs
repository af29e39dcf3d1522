using System.Collections.Concurrent;
using System.Reflection;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Makes the next call of a named async method fail once, passing every other call to the real client: how a test
/// meets an AWS refusal that moto never gives at that moment.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852", Justification = "DispatchProxy derives from it at run time; a sealed proxy type is refused.")]
internal class Faults<T> : DispatchProxy where T : class
{
    private static readonly MethodInfo FromException = typeof(Task).GetMethods().Single(m => m.Name == nameof(Task.FromException) && m.IsGenericMethod);

    private T _inner = default!;
    private ConcurrentDictionary<string, Exception> _next = default!;

    /// <summary>A <typeparamref name="T"/> that fails as <paramref name="next"/> says (method name to its failure, used once).</summary>
    public static T Wrap(T inner, ConcurrentDictionary<string, Exception> next)
    {
        var proxy = Create<T, Faults<T>>();
        var faults = (Faults<T>)(object)proxy;
        (faults._inner, faults._next) = (inner, next);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (_next.TryRemove(targetMethod.Name, out var failure))
        {
            var returns = targetMethod.ReturnType;
            return returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>)
                ? FromException.MakeGenericMethod(returns.GetGenericArguments()[0]).Invoke(null, [failure])
                : Task.FromException(failure);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }
}
