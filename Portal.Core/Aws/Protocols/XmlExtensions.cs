using System.Globalization;
using System.Xml.Linq;

namespace Portal.Core.Aws.Protocols;

/// <summary>Namespace-agnostic reads of Query protocol XML.</summary>
internal static class XmlExtensions
{
    public static XElement? Find(this XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    public static string? Child(this XElement parent, string localName) => parent.Find(localName)?.Value;

    public static string Required(this XElement parent, string localName) =>
        parent.Child(localName) ?? throw new FormatException($"The AWS response lacks <{localName}> in <{parent.Name.LocalName}>.");

    public static bool ChildBool(this XElement parent, string localName) =>
        string.Equals(parent.Child(localName), "true", StringComparison.OrdinalIgnoreCase);

    public static DateTimeOffset? ChildDate(this XElement parent, string localName) =>
        DateTimeOffset.TryParse(parent.Child(localName), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;

    /// <summary>The <c>member</c> elements of a list element, or none when the list is absent.</summary>
    public static IEnumerable<XElement> Members(this XElement parent, string listName) =>
        parent.Find(listName)?.Elements().Where(e => e.Name.LocalName == "member") ?? [];
}
