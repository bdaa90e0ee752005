// The first tab a newcomer sees: commented operations that walk through signing in, browsing with
// the seller's safety and receiving a live risk alert. Operation names let each one run on its own.
export const STARTER_QUERY = `# Welcome to the Anshim explorer (안심 GraphQL 탐색기).
#
# Everything here runs against this gateway; nothing is loaded from the internet.
# - Docs: the book icon on the left lists every type and field.
# - Run: put the cursor in an operation and press Ctrl-Enter (or the ▶ button).
# - Headers: in "Headers" below, put the token you get from Login:
#     { "Authorization": "Bearer <accessToken>" }
#   Queries send it as an HTTP header; subscriptions send it in graphql-ws connectionParams.
# - Add "Accept-Language": "en" to the headers for English messages (Korean by default).

# 1. Create an account (or use Login below if you have one). Copy accessToken into Headers.
mutation Register {
  register(input: { email: "mina@example.com", password: "a long passphrase", nickname: "민아" }) {
    accessToken
    user { id nickname }
  }
}

# 2. Sign in to an existing account.
mutation Login {
  login(email: "mina@example.com", password: "a long passphrase") {
    accessToken
    refreshToken
    user { id nickname }
  }
}

# 3. Browse listings with what a buyer should know about each seller.
query Products {
  products(first: 5) {
    totalCount
    edges {
      node {
        id
        title
        price
        seller { nickname }
        sellerSafety { grade label message hints }
        riskWarnings
      }
    }
  }
}

# 4. Who am I? (needs the Authorization header)
query Me {
  me { id nickname safetyScore { value grade } }
}

# 5. Live risk alerts for you (needs the Authorization header). Keep it running: when someone
#    asks you in chat to pay outside the app, the alert appears here within a second.
subscription MyRiskAlerts {
  myRiskAlerts {
    level
    rule
    message
    createdAt
    subject { nickname safetyScore { grade } }
    product { id title }
  }
}
`;

// JSON with comments (GraphiQL accepts it): a placeholder token would make every request fail.
export const STARTER_HEADERS = `{
  // After Login (or Register), put its accessToken here and remove the slashes:
  // "Authorization": "Bearer <accessToken>"
}
`;
