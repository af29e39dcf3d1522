using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Portal.Web.Hosting;

/// <summary>
/// The load balancers or reverse proxies in front of the portal, whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> the portal believes. Bound from <c>Portal:Proxies</c>; loopback only by default. Anyone
/// else's forwarded headers are ignored, so a client cannot pose as another address (and dodge, or trigger for
/// others, the invalid-token limit) or as HTTPS.
/// </summary>
internal sealed class ProxyOptions
{
    public const string SectionName = "Portal:Proxies";

    /// <summary>Proxy addresses, such as <c>10.0.0.5</c>.</summary>
    public IList<string> KnownProxies { get; init; } = [];

    /// <summary>Proxy networks in CIDR notation, such as <c>10.0.0.0/16</c> (a load balancer's subnets).</summary>
    public IList<string> KnownNetworks { get; init; } = [];

    /// <summary>Adds these to ASP.NET Core's forwarded-headers options (which trust loopback already).</summary>
    /// <exception cref="InvalidOperationException">An address or network does not parse; the message names its key.</exception>
    public void ApplyTo(ForwardedHeadersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        for (var i = 0; i < KnownProxies.Count; i++)
        {
            options.KnownProxies.Add(IPAddress.TryParse(KnownProxies[i], out var address)
                ? address
                : throw new InvalidOperationException($"{SectionName}:KnownProxies:{i}: '{KnownProxies[i]}' is not an IP address."));
        }

        for (var i = 0; i < KnownNetworks.Count; i++)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(KnownNetworks[i], out var network)
                ? network
                : throw new InvalidOperationException($"{SectionName}:KnownNetworks:{i}: '{KnownNetworks[i]}' is not a network in CIDR notation (10.0.0.0/16)."));
        }
    }
}
