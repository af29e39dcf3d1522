using Amazon.Runtime;

namespace Portal.Core.Aws.Signing;

/// <summary>The credential chain found nothing; the message says where credentials can come from.</summary>
internal sealed class MissingCredentialsException : AmazonClientException
{
    public MissingCredentialsException(string message)
        : base(message)
    {
    }

    public MissingCredentialsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
