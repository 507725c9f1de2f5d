/// Starling's OpenAPI 3.1 document, served at `/api/openapi.json` (and `/openapi.json`).
///
/// Kept true by `OpenAPIDocumentTests`, which fails when a route the router has is missing here or an
/// operation here has no route, and by the schemathesis run in the e2e suite
/// (`tests/fuzz/run_schemathesis.py`), which fails when a response breaks it. When you add or change
/// a route, describe it here: its parameters, body (JSON and form), scope and responses — in `core`, or
/// in a fragment of its own (`OpenAPIDocument+Feature.swift`, listed in `fragments`) for a feature's routes.
enum OpenAPIDocument {
    /// The document's base: info, tags, the core routes and the shared components.
    static let core = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "Starling",
  "version": "1.0.0",
  "description": "Starling's HTTP API: the Mastodon client API it implements (parameters as a query string, a form or JSON), OAuth, streaming and the operations routes. Errors are Mastodon's `{\"error\": \"…\"}` (OAuth's token and revocation endpoints answer RFC 6749's `error` and `error_description`)."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "tags": [
  {
   "name": "apps"
  },
  {
   "name": "accounts"
  },
  {
   "name": "statuses"
  },
  {
   "name": "timelines"
  },
  {
   "name": "notifications"
  },
  {
   "name": "search"
  },
  {
   "name": "trends"
  },
  {
   "name": "tags"
  },
  {
   "name": "markers"
  },
  {
   "name": "push"
  },
  {
   "name": "instance"
  },
  {
   "name": "oauth"
  },
  {
   "name": "streaming"
  },
  {
   "name": "ops"
  }
 ],
 "paths": {
  "/health": {
   "get": {
    "operationId": "health",
    "summary": "Liveness: the process answers.",
    "tags": [
     "ops"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Alive.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     }
    }
   }
  },
  "/ready": {
   "get": {
    "operationId": "ready",
    "summary": "Readiness: PostgreSQL and every Redis shard answer within 2 s.",
    "tags": [
     "ops"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Ready.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Readiness"
        }
       }
      }
     },
     "503": {
      "description": "A dependency is unavailable.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Readiness"
        }
       }
      }
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "operationId": "metrics",
    "summary": "Prometheus metrics.",
    "tags": [
     "ops"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Prometheus text exposition format 0.0.4.",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  },
  "/api/openapi.json": {
   "get": {
    "operationId": "openapi",
    "summary": "This document.",
    "tags": [
     "ops"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The OpenAPI document.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "operationId": "openapiRoot",
    "summary": "This document.",
    "tags": [
     "ops"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The OpenAPI document.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/api/v1/apps": {
   "post": {
    "operationId": "createApp",
    "summary": "Register an app.",
    "tags": [
     "apps"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "client_name": {
          "type": "string"
         },
         "redirect_uris": {
          "oneOf": [
           {
            "type": "string"
           },
           {
            "type": "array",
            "items": {
             "type": "string"
            }
           }
          ]
         },
         "scopes": {
          "type": "string"
         },
         "website": {
          "type": "string"
         }
        },
        "required": [
         "client_name",
         "redirect_uris"
        ]
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "client_name": {
          "type": "string"
         },
         "redirect_uris": {
          "oneOf": [
           {
            "type": "string"
           },
           {
            "type": "array",
            "items": {
             "type": "string"
            }
           }
          ]
         },
         "scopes": {
          "type": "string"
         },
         "website": {
          "type": "string"
         }
        },
        "required": [
         "client_name",
         "redirect_uris"
        ]
       }
      }
     },
     "description": "`redirect_uris`: an array, or one string with a URI per line. `scopes`: space-separated, default `read`."
    },
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The app with its credentials.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Application"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts": {
   "post": {
    "operationId": "registerAccount",
    "summary": "Register an account (with an app's or a user's token).",
    "tags": [
     "accounts"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "username": {
          "type": "string"
         },
         "email": {
          "type": "string"
         },
         "password": {
          "type": "string"
         },
         "agreement": {
          "type": "string"
         },
         "locale": {
          "type": "string"
         },
         "reason": {
          "type": "string"
         }
        },
        "required": [
         "username",
         "email",
         "password"
        ]
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "username": {
          "type": "string"
         },
         "email": {
          "type": "string"
         },
         "password": {
          "type": "string"
         },
         "agreement": {
          "type": "string"
         },
         "locale": {
          "type": "string"
         },
         "reason": {
          "type": "string"
         }
        },
        "required": [
         "username",
         "email",
         "password"
        ]
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:accounts"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "A token for the new account.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Token"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts/verify_credentials": {
   "get": {
    "operationId": "verifyCredentials",
    "summary": "The signed-in account.",
    "tags": [
     "accounts"
    ],
    "security": [
     {
      "OAuth2": [
       "read:accounts"
      ]
     },
     {
      "OAuth2": [
       "profile"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The account with its source.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CredentialAccount"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts/update_credentials": {
   "patch": {
    "operationId": "updateCredentials",
    "summary": "Change the profile.",
    "tags": [
     "accounts"
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "display_name": {
          "type": "string",
          "maxLength": 30
         },
         "note": {
          "type": "string",
          "maxLength": 500
         },
         "locked": {
          "type": "boolean",
          "description": "Whether followers need approval (follow requests)."
         }
        }
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "display_name": {
          "type": "string",
          "maxLength": 30
         },
         "note": {
          "type": "string",
          "maxLength": 500
         },
         "locked": {
          "type": "boolean",
          "description": "Whether followers need approval (follow requests)."
         }
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:accounts"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The updated account.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CredentialAccount"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts/relationships": {
   "get": {
    "operationId": "relationships",
    "summary": "Relationships with the given accounts.",
    "tags": [
     "accounts"
    ],
    "parameters": [
     {
      "name": "id[]",
      "in": "query",
      "required": false,
      "schema": {
       "type": "array",
       "items": {
        "type": "string"
       }
      },
      "description": "Account ids (at most 100 are read)."
     },
     {
      "name": "id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "One account id."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "read:follows"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "One relationship per known account.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Relationship"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts/lookup": {
   "get": {
    "operationId": "lookupAccount",
    "summary": "Find an account by its username.",
    "tags": [
     "accounts"
    ],
    "parameters": [
     {
      "name": "acct",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "`username`, `@username` or `username@this-domain`."
     }
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The account.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Account"
        }
       }
      },
      "links": {
       "GetAccount": {
        "operationId": "getAccount",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "FollowAccount": {
        "operationId": "followAccount",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "AccountStatuses": {
        "operationId": "accountStatuses",
        "parameters": {
         "id": "$response.body#/id"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts/{id}": {
   "get": {
    "operationId": "getAccount",
    "summary": "An account.",
    "tags": [
     "accounts"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The account's id."
     }
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The account.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Account"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts/{id}/statuses": {
   "get": {
    "operationId": "accountStatuses",
    "summary": "An account's statuses visible to the caller.",
    "tags": [
     "accounts"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The account's id."
     },
     {
      "name": "max_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries older than this id."
     },
     {
      "name": "since_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries newer than this id."
     },
     {
      "name": "min_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries immediately newer than this id."
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "Page size (capped by the call's maximum)."
     },
     {
      "name": "pinned",
      "in": "query",
      "required": false,
      "schema": {
       "type": "boolean"
      },
      "description": "Only the account's pinned statuses (at most 5, most recently pinned first; no paging)."
     }
    ],
    "security": [
     {},
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Statuses, newest first.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Status"
         }
        }
       }
      },
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts/{id}/follow": {
   "post": {
    "operationId": "followAccount",
    "summary": "Follow an account.",
    "tags": [
     "accounts"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The account's id."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "write:follows"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The relationship afterwards.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Relationship"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts/{id}/unfollow": {
   "post": {
    "operationId": "unfollowAccount",
    "summary": "Unfollow an account.",
    "tags": [
     "accounts"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The account's id."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "write:follows"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The relationship afterwards.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Relationship"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts/{id}/followers": {
   "get": {
    "operationId": "accountFollowers",
    "summary": "An account's followers.",
    "tags": [
     "accounts"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The account's id."
     },
     {
      "name": "max_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries older than this id."
     },
     {
      "name": "since_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries newer than this id."
     },
     {
      "name": "min_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries immediately newer than this id."
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "Page size (capped by the call's maximum)."
     }
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Accounts, most recent first.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Account"
         }
        }
       }
      },
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/accounts/{id}/following": {
   "get": {
    "operationId": "accountFollowing",
    "summary": "An account's following.",
    "tags": [
     "accounts"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The account's id."
     },
     {
      "name": "max_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries older than this id."
     },
     {
      "name": "since_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries newer than this id."
     },
     {
      "name": "min_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries immediately newer than this id."
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "Page size (capped by the call's maximum)."
     }
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Accounts, most recent first.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Account"
         }
        }
       }
      },
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/statuses": {
   "post": {
    "operationId": "postStatus",
    "summary": "Post a status.",
    "tags": [
     "statuses"
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "status": {
          "type": "string"
         },
         "spoiler_text": {
          "type": "string"
         },
         "sensitive": {
          "oneOf": [
           {
            "type": "boolean"
           },
           {
            "type": "string"
           }
          ]
         },
         "visibility": {
          "type": "string",
          "enum": [
           "public",
           "unlisted",
           "private",
           "direct"
          ]
         },
         "in_reply_to_id": {
          "type": "string"
         },
         "language": {
          "type": "string"
         },
         "poll": {
          "type": "object",
          "properties": {
           "options": {
            "type": "array",
            "items": {
             "type": "string"
            }
           },
           "expires_in": {
            "oneOf": [
             {
              "type": "integer"
             },
             {
              "type": "string"
             }
            ]
           },
           "multiple": {
            "oneOf": [
             {
              "type": "boolean"
             },
             {
              "type": "string"
             }
            ]
           },
           "hide_totals": {
            "oneOf": [
             {
              "type": "boolean"
             },
             {
              "type": "string"
             }
            ]
           }
          }
         }
        }
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "status": {
          "type": "string"
         },
         "spoiler_text": {
          "type": "string"
         },
         "sensitive": {
          "oneOf": [
           {
            "type": "boolean"
           },
           {
            "type": "string"
           }
          ]
         },
         "visibility": {
          "type": "string",
          "enum": [
           "public",
           "unlisted",
           "private",
           "direct"
          ]
         },
         "in_reply_to_id": {
          "type": "string"
         },
         "language": {
          "type": "string"
         },
         "poll[options][]": {
          "type": "array",
          "items": {
           "type": "string"
          }
         },
         "poll[expires_in]": {
          "oneOf": [
           {
            "type": "integer"
           },
           {
            "type": "string"
           }
          ]
         },
         "poll[multiple]": {
          "oneOf": [
           {
            "type": "boolean"
           },
           {
            "type": "string"
           }
          ]
         },
         "poll[hide_totals]": {
          "oneOf": [
           {
            "type": "boolean"
           },
           {
            "type": "string"
           }
          ]
         }
        }
       }
      }
     },
     "description": "`status` counts at most the instance's `max_characters`, as Mastodon counts. A poll: 2 to `configuration.polls.max_options` options, `expires_in` seconds within its bounds (EditPollRoutes.swift)."
    },
    "security": [
     {
      "OAuth2": [
       "write:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The new status.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      },
      "links": {
       "GetStatus": {
        "operationId": "getStatus",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "StatusContext": {
        "operationId": "statusContext",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "Favourite": {
        "operationId": "favouriteStatus",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "Reblog": {
        "operationId": "reblogStatus",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "DeleteStatus": {
        "operationId": "deleteStatus",
        "parameters": {
         "id": "$response.body#/id"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/statuses/{id}": {
   "get": {
    "operationId": "getStatus",
    "summary": "A status.",
    "tags": [
     "statuses"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The status's id."
     }
    ],
    "security": [
     {},
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The status.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   },
   "delete": {
    "operationId": "deleteStatus",
    "summary": "Delete one's own status.",
    "tags": [
     "statuses"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The status's id."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "write:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The deleted status, with its `text`.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/statuses/{id}/context": {
   "get": {
    "operationId": "statusContext",
    "summary": "A status's ancestors and descendants.",
    "tags": [
     "statuses"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The status's id."
     }
    ],
    "security": [
     {},
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The thread.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Context"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/statuses/{id}/reblog": {
   "post": {
    "operationId": "reblogStatus",
    "summary": "Reblog a status.",
    "tags": [
     "statuses"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The status's id."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "write:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The status (for a reblog, the reblog wrapping it).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/statuses/{id}/unreblog": {
   "post": {
    "operationId": "unreblogStatus",
    "summary": "Unreblog a status.",
    "tags": [
     "statuses"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The status's id."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "write:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The status (for a reblog, the reblog wrapping it).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/statuses/{id}/favourite": {
   "post": {
    "operationId": "favouriteStatus",
    "summary": "Favourite a status.",
    "tags": [
     "statuses"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The status's id."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "write:favourites"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The status (for a reblog, the reblog wrapping it).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/statuses/{id}/unfavourite": {
   "post": {
    "operationId": "unfavouriteStatus",
    "summary": "Unfavourite a status.",
    "tags": [
     "statuses"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The status's id."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "write:favourites"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The status (for a reblog, the reblog wrapping it).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/timelines/home": {
   "get": {
    "operationId": "homeTimeline",
    "summary": "The home timeline.",
    "tags": [
     "timelines"
    ],
    "parameters": [
     {
      "name": "max_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries older than this id."
     },
     {
      "name": "since_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries newer than this id."
     },
     {
      "name": "min_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries immediately newer than this id."
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "Page size (capped by the call's maximum)."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Statuses, newest first.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Status"
         }
        }
       }
      },
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/timelines/public": {
   "get": {
    "operationId": "publicTimeline",
    "summary": "The public timeline (every account is local).",
    "tags": [
     "timelines"
    ],
    "parameters": [
     {
      "name": "local",
      "in": "query",
      "required": false,
      "schema": {
       "type": "boolean"
      }
     },
     {
      "name": "remote",
      "in": "query",
      "required": false,
      "schema": {
       "type": "boolean"
      }
     },
     {
      "name": "only_media",
      "in": "query",
      "required": false,
      "schema": {
       "type": "boolean"
      }
     },
     {
      "name": "max_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries older than this id."
     },
     {
      "name": "since_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries newer than this id."
     },
     {
      "name": "min_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries immediately newer than this id."
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "Page size (capped by the call's maximum)."
     }
    ],
    "security": [
     {},
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Statuses, newest first.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Status"
         }
        }
       }
      },
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/timelines/tag/{tag}": {
   "get": {
    "operationId": "tagTimeline",
    "summary": "Public statuses with a hashtag.",
    "tags": [
     "timelines"
    ],
    "parameters": [
     {
      "name": "tag",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The hashtag, without `#`."
     },
     {
      "name": "max_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries older than this id."
     },
     {
      "name": "since_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries newer than this id."
     },
     {
      "name": "min_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries immediately newer than this id."
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "Page size (capped by the call's maximum)."
     }
    ],
    "security": [
     {},
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Statuses, newest first.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Status"
         }
        }
       }
      },
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/notifications": {
   "get": {
    "operationId": "notifications",
    "summary": "The signed-in user's notifications.",
    "tags": [
     "notifications"
    ],
    "parameters": [
     {
      "name": "max_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries older than this id."
     },
     {
      "name": "since_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries newer than this id."
     },
     {
      "name": "min_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries immediately newer than this id."
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "Page size (capped by the call's maximum)."
     },
     {
      "name": "types[]",
      "in": "query",
      "required": false,
      "schema": {
       "type": "array",
       "items": {
        "type": "string",
        "enum": [
         "mention",
         "status",
         "reblog",
         "follow",
         "follow_request",
         "favourite",
         "poll",
         "update"
        ]
       }
      },
      "description": "Only these kinds."
     },
     {
      "name": "exclude_types[]",
      "in": "query",
      "required": false,
      "schema": {
       "type": "array",
       "items": {
        "type": "string",
        "enum": [
         "mention",
         "status",
         "reblog",
         "follow",
         "follow_request",
         "favourite",
         "poll",
         "update"
        ]
       }
      },
      "description": "Not these kinds."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "read:notifications"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Notifications, newest first.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Notification"
         }
        }
       }
      },
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      },
      "links": {
       "GetNotification": {
        "operationId": "getNotification",
        "parameters": {
         "id": "$response.body#/0/id"
        }
       },
       "DismissNotification": {
        "operationId": "dismissNotification",
        "parameters": {
         "id": "$response.body#/0/id"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/notifications/{id}": {
   "get": {
    "operationId": "getNotification",
    "summary": "One notification.",
    "tags": [
     "notifications"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The notification's id."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "read:notifications"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The notification.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Notification"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/notifications/clear": {
   "post": {
    "operationId": "clearNotifications",
    "summary": "Dismiss every notification.",
    "tags": [
     "notifications"
    ],
    "security": [
     {
      "OAuth2": [
       "write:notifications"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Done.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/notifications/{id}/dismiss": {
   "post": {
    "operationId": "dismissNotification",
    "summary": "Dismiss one notification.",
    "tags": [
     "notifications"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The notification's id."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "write:notifications"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Done.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v2/search": {
   "get": {
    "operationId": "search",
    "summary": "Search accounts (by username prefix), hashtags and statuses.",
    "tags": [
     "search"
    ],
    "parameters": [
     {
      "name": "q",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The query (at most 200 characters)."
     },
     {
      "name": "type",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "accounts",
        "hashtags",
        "statuses"
       ]
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "At most 40."
     },
     {
      "name": "offset",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0
      },
      "description": "At most 10000; only for a signed-in user (401 otherwise, as Mastodon)."
     },
     {
      "name": "resolve",
      "in": "query",
      "required": false,
      "schema": {
       "type": "boolean"
      }
     },
     {
      "name": "following",
      "in": "query",
      "required": false,
      "schema": {
       "type": "boolean"
      }
     }
    ],
    "security": [
     {},
     {
      "OAuth2": [
       "read:search"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The results.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Search"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/trends/tags": {
   "get": {
    "operationId": "trendingTags",
    "summary": "Trending hashtags.",
    "tags": [
     "trends"
    ],
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "At most 20."
     },
     {
      "name": "offset",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0
      }
     }
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Tags with their week's history.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/TagWithHistory"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/trends": {
   "get": {
    "operationId": "trends",
    "summary": "Trending hashtags.",
    "tags": [
     "trends"
    ],
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "At most 20."
     },
     {
      "name": "offset",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0
      }
     }
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Tags with their week's history.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/TagWithHistory"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/push/subscription": {
   "post": {
    "operationId": "subscribePush",
    "summary": "Subscribe the token to Web Push (replacing its subscription).",
    "tags": [
     "push"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "subscription": {
          "type": "object",
          "properties": {
           "endpoint": {
            "type": "string"
           },
           "keys": {
            "type": "object",
            "properties": {
             "p256dh": {
              "type": "string"
             },
             "auth": {
              "type": "string"
             }
            }
           }
          }
         },
         "data": {
          "type": "object",
          "properties": {
           "alerts": {
            "type": "object",
            "properties": {
             "mention": {
              "type": "boolean"
             },
             "status": {
              "type": "boolean"
             },
             "reblog": {
              "type": "boolean"
             },
             "follow": {
              "type": "boolean"
             },
             "follow_request": {
              "type": "boolean"
             },
             "favourite": {
              "type": "boolean"
             },
             "poll": {
              "type": "boolean"
             },
             "update": {
              "type": "boolean"
             },
             "admin.sign_up": {
              "type": "boolean"
             },
             "admin.report": {
              "type": "boolean"
             }
            }
           },
           "policy": {
            "type": "string",
            "enum": [
             "all",
             "followed",
             "follower",
             "none"
            ]
           }
          }
         }
        },
        "required": [
         "subscription"
        ]
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "subscription[endpoint]": {
          "type": "string"
         },
         "subscription[keys][p256dh]": {
          "type": "string"
         },
         "subscription[keys][auth]": {
          "type": "string"
         },
         "data[alerts][mention]": {
          "type": "boolean"
         },
         "data[alerts][status]": {
          "type": "boolean"
         },
         "data[alerts][reblog]": {
          "type": "boolean"
         },
         "data[alerts][follow]": {
          "type": "boolean"
         },
         "data[alerts][follow_request]": {
          "type": "boolean"
         },
         "data[alerts][favourite]": {
          "type": "boolean"
         },
         "data[alerts][poll]": {
          "type": "boolean"
         },
         "data[alerts][update]": {
          "type": "boolean"
         },
         "data[alerts][admin.sign_up]": {
          "type": "boolean"
         },
         "data[alerts][admin.report]": {
          "type": "boolean"
         },
         "data[policy]": {
          "type": "string",
          "enum": [
           "all",
           "followed",
           "follower",
           "none"
          ]
         }
        },
        "required": [
         "subscription[endpoint]",
         "subscription[keys][p256dh]",
         "subscription[keys][auth]"
        ]
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": [
       "push"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The token's subscription.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/WebPushSubscription"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   },
   "get": {
    "operationId": "getPushSubscription",
    "summary": "The token's Web Push subscription.",
    "tags": [
     "push"
    ],
    "security": [
     {
      "OAuth2": [
       "push"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The token's subscription.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/WebPushSubscription"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   },
   "put": {
    "operationId": "updatePushSubscription",
    "summary": "Change the subscription's alerts or policy.",
    "tags": [
     "push"
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "data": {
          "type": "object",
          "properties": {
           "alerts": {
            "type": "object",
            "properties": {
             "mention": {
              "type": "boolean"
             },
             "status": {
              "type": "boolean"
             },
             "reblog": {
              "type": "boolean"
             },
             "follow": {
              "type": "boolean"
             },
             "follow_request": {
              "type": "boolean"
             },
             "favourite": {
              "type": "boolean"
             },
             "poll": {
              "type": "boolean"
             },
             "update": {
              "type": "boolean"
             },
             "admin.sign_up": {
              "type": "boolean"
             },
             "admin.report": {
              "type": "boolean"
             }
            }
           },
           "policy": {
            "type": "string",
            "enum": [
             "all",
             "followed",
             "follower",
             "none"
            ]
           }
          }
         }
        }
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "data[alerts][mention]": {
          "type": "boolean"
         },
         "data[alerts][status]": {
          "type": "boolean"
         },
         "data[alerts][reblog]": {
          "type": "boolean"
         },
         "data[alerts][follow]": {
          "type": "boolean"
         },
         "data[alerts][follow_request]": {
          "type": "boolean"
         },
         "data[alerts][favourite]": {
          "type": "boolean"
         },
         "data[alerts][poll]": {
          "type": "boolean"
         },
         "data[alerts][update]": {
          "type": "boolean"
         },
         "data[alerts][admin.sign_up]": {
          "type": "boolean"
         },
         "data[alerts][admin.report]": {
          "type": "boolean"
         },
         "data[policy]": {
          "type": "string",
          "enum": [
           "all",
           "followed",
           "follower",
           "none"
          ]
         }
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": [
       "push"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The token's subscription.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/WebPushSubscription"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   },
   "delete": {
    "operationId": "deletePushSubscription",
    "summary": "Remove the token's subscription.",
    "tags": [
     "push"
    ],
    "security": [
     {
      "OAuth2": [
       "push"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Done.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/instance": {
   "get": {
    "operationId": "instanceV1",
    "summary": "The instance (v1).",
    "tags": [
     "instance"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The instance.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/InstanceV1"
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v2/instance": {
   "get": {
    "operationId": "instanceV2",
    "summary": "The instance (v2).",
    "tags": [
     "instance"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The instance.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/InstanceV2"
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/instance/peers": {
   "get": {
    "operationId": "instancePeers",
    "summary": "Known servers: none, Starling does not federate.",
    "tags": [
     "instance"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Domains.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "type": "string"
         }
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/api/v1/instance/activity": {
   "get": {
    "operationId": "instanceActivity",
    "summary": "Weekly activity, last 12 weeks.",
    "tags": [
     "instance"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Weeks, newest first.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Activity"
         }
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/instance/rules": {
   "get": {
    "operationId": "instanceRules",
    "summary": "The server's rules.",
    "tags": [
     "instance"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Rules.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Rule"
         }
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/api/v1/custom_emojis": {
   "get": {
    "operationId": "customEmojis",
    "summary": "Custom emojis: none.",
    "tags": [
     "instance"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Emojis.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "type": "object"
         }
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/.well-known/nodeinfo": {
   "get": {
    "operationId": "nodeinfoLinks",
    "summary": "Where nodeinfo is.",
    "tags": [
     "instance"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Links.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/NodeinfoLinks"
        }
       }
      }
     }
    }
   }
  },
  "/nodeinfo/2.0": {
   "get": {
    "operationId": "nodeinfo",
    "summary": "nodeinfo 2.0.",
    "tags": [
     "instance"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "nodeinfo.",
      "content": {
       "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\"": {
        "schema": {
         "$ref": "#/components/schemas/Nodeinfo"
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/.well-known/webfinger": {
   "get": {
    "operationId": "webfinger",
    "summary": "WebFinger for local accounts (RFC 7033).",
    "tags": [
     "instance"
    ],
    "parameters": [
     {
      "name": "resource",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "`acct:user@domain` or the account's URL."
     }
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The JRD.",
      "content": {
       "application/jrd+json": {
        "schema": {
         "$ref": "#/components/schemas/Webfinger"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/preferences": {
   "get": {
    "operationId": "preferences",
    "summary": "The user's preferences (Starling's defaults).",
    "tags": [
     "accounts"
    ],
    "security": [
     {
      "OAuth2": [
       "read:accounts"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Preferences.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Preferences"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/announcements": {
   "get": {
    "operationId": "announcements",
    "summary": "Announcements: none.",
    "tags": [
     "instance"
    ],
    "security": [
     {
      "OAuth2": [
       "read"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Announcements.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "type": "object"
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/markers": {
   "get": {
    "operationId": "markers",
    "summary": "Reading positions.",
    "tags": [
     "markers"
    ],
    "parameters": [
     {
      "name": "timeline[]",
      "in": "query",
      "required": false,
      "schema": {
       "type": "array",
       "items": {
        "type": "string",
        "enum": [
         "home",
         "notifications"
        ]
       }
      },
      "description": "Which markers (all if none)."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Markers.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Markers"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   },
   "post": {
    "operationId": "saveMarkers",
    "summary": "Save reading positions.",
    "tags": [
     "markers"
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "home": {
          "type": "object",
          "properties": {
           "last_read_id": {
            "type": "string"
           }
          }
         },
         "notifications": {
          "type": "object",
          "properties": {
           "last_read_id": {
            "type": "string"
           }
          }
         }
        }
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "home[last_read_id]": {
          "type": "string"
         },
         "notifications[last_read_id]": {
          "type": "string"
         }
        }
       }
      }
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The saved markers.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Markers"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/tags/{name}": {
   "get": {
    "operationId": "getTag",
    "summary": "A hashtag (and whether the caller follows it).",
    "tags": [
     "tags"
    ],
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The hashtag, with or without `#`."
     }
    ],
    "security": [
     {},
     {
      "OAuth2": [
       "read:statuses"
      ]
     },
     {
      "OAuth2": [
       "read:follows"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The tag.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FollowableTag"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/tags/{name}/follow": {
   "post": {
    "operationId": "followTag",
    "summary": "Follow a hashtag.",
    "tags": [
     "tags"
    ],
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The hashtag, with or without `#`."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "write:follows"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The tag.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FollowableTag"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/tags/{name}/unfollow": {
   "post": {
    "operationId": "unfollowTag",
    "summary": "Unfollow a hashtag.",
    "tags": [
     "tags"
    ],
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The hashtag, with or without `#`."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "write:follows"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "The tag.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FollowableTag"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/followed_tags": {
   "get": {
    "operationId": "followedTags",
    "summary": "The hashtags the user follows.",
    "tags": [
     "tags"
    ],
    "parameters": [
     {
      "name": "max_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries older than this id."
     },
     {
      "name": "since_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries newer than this id."
     },
     {
      "name": "min_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Entries immediately newer than this id."
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      },
      "description": "Page size (capped by the call's maximum)."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "read:follows"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Tags, most recently followed first.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/FollowableTag"
         }
        }
       }
      },
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/assets/starling.css": {
   "get": {
    "operationId": "stylesheet",
    "summary": "The pages' stylesheet.",
    "tags": [
     "oauth"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "CSS.",
      "content": {
       "text/css": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  },
  "/oauth/authorize": {
   "get": {
    "operationId": "authorizePage",
    "summary": "The consent page (or a redirect to sign in, or back to the app).",
    "tags": [
     "oauth"
    ],
    "parameters": [
     {
      "name": "response_type",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string",
       "enum": [
        "code"
       ]
      }
     },
     {
      "name": "client_id",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "redirect_uri",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "scope",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "state",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "code_challenge",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "code_challenge_method",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "S256",
        "plain"
       ]
      }
     },
     {
      "name": "force_login",
      "in": "query",
      "required": false,
      "schema": {
       "type": "boolean"
      }
     }
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The consent page.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "302": {
      "description": "A redirect (`Location`).",
      "headers": {
       "Location": {
        "schema": {
         "type": "string"
        },
        "required": true
       }
      },
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "An error page: unknown app, unregistered redirect URI, bad scope or PKCE; or malformed parameters.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       },
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "422": {
      "description": "Parameters are not valid UTF-8.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   },
   "post": {
    "operationId": "authorizeDecision",
    "summary": "The consent page's answer.",
    "tags": [
     "oauth"
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "response_type": {
          "type": "string"
         },
         "client_id": {
          "type": "string"
         },
         "redirect_uri": {
          "type": "string"
         },
         "scope": {
          "type": "string"
         },
         "state": {
          "type": "string"
         },
         "code_challenge": {
          "type": "string"
         },
         "code_challenge_method": {
          "type": "string"
         },
         "authenticity_token": {
          "type": "string"
         },
         "decision": {
          "type": "string",
          "enum": [
           "approve",
           "deny"
          ]
         }
        }
       }
      }
     }
    },
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The code, for the out-of-band redirect URI.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "302": {
      "description": "A redirect (`Location`).",
      "headers": {
       "Location": {
        "schema": {
         "type": "string"
        },
        "required": true
       }
      },
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "description": "An error page, or malformed parameters.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       },
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "403": {
      "description": "No session, a wrong form token, or denied (out of band).",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "description": "Parameters are not valid UTF-8.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/auth/sign_in": {
   "get": {
    "operationId": "signInPage",
    "summary": "The sign-in form.",
    "tags": [
     "oauth"
    ],
    "parameters": [
     {
      "name": "return_to",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "A local path to go to afterwards."
     }
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The form, or who is signed in.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   },
   "post": {
    "operationId": "signIn",
    "summary": "Sign in.",
    "tags": [
     "oauth"
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "login": {
          "type": "string"
         },
         "password": {
          "type": "string"
         },
         "authenticity_token": {
          "type": "string"
         },
         "return_to": {
          "type": "string"
         }
        }
       }
      }
     }
    },
    "security": [
     {}
    ],
    "responses": {
     "303": {
      "description": "A redirect (`Location`).",
      "headers": {
       "Location": {
        "schema": {
         "type": "string"
        },
        "required": true
       }
      },
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "description": "Wrong login or password.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "403": {
      "description": "The form's token is missing or wrong.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "description": "Too many failed sign-ins (the form again), or over a rate-limit budget (a Mastodon error).",
      "headers": {
       "Retry-After": {
        "schema": {
         "type": "string"
        },
        "required": true
       }
      },
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       },
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/auth/sign_out": {
   "post": {
    "operationId": "signOut",
    "summary": "Sign out.",
    "tags": [
     "oauth"
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "authenticity_token": {
          "type": "string"
         }
        }
       }
      }
     }
    },
    "security": [
     {}
    ],
    "responses": {
     "303": {
      "description": "A redirect (`Location`).",
      "headers": {
       "Location": {
        "schema": {
         "type": "string"
        },
        "required": true
       }
      },
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "403": {
      "description": "The form's token is wrong.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/oauth/token": {
   "post": {
    "operationId": "token",
    "summary": "Obtain a token.",
    "tags": [
     "oauth"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "grant_type": {
          "type": "string",
          "enum": [
           "authorization_code",
           "password",
           "client_credentials"
          ]
         },
         "client_id": {
          "type": "string"
         },
         "client_secret": {
          "type": "string"
         },
         "scope": {
          "type": "string"
         },
         "code": {
          "type": "string"
         },
         "redirect_uri": {
          "type": "string"
         },
         "code_verifier": {
          "type": "string"
         },
         "username": {
          "type": "string"
         },
         "password": {
          "type": "string"
         }
        },
        "required": [
         "grant_type"
        ]
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "grant_type": {
          "type": "string",
          "enum": [
           "authorization_code",
           "password",
           "client_credentials"
          ]
         },
         "client_id": {
          "type": "string"
         },
         "client_secret": {
          "type": "string"
         },
         "scope": {
          "type": "string"
         },
         "code": {
          "type": "string"
         },
         "redirect_uri": {
          "type": "string"
         },
         "code_verifier": {
          "type": "string"
         },
         "username": {
          "type": "string"
         },
         "password": {
          "type": "string"
         }
        },
        "required": [
         "grant_type"
        ]
       }
      }
     },
     "description": "Client credentials in the body or as `Authorization: Basic` (client_secret_basic)."
    },
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The token.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Token"
        }
       }
      }
     },
     "400": {
      "description": "An OAuth error (`invalid_request`, `invalid_grant`, `invalid_scope`, `unsupported_grant_type`), or malformed parameters.",
      "content": {
       "application/json": {
        "schema": {
         "anyOf": [
          {
           "$ref": "#/components/schemas/OAuthError"
          },
          {
           "$ref": "#/components/schemas/Error"
          }
         ]
        }
       }
      }
     },
     "401": {
      "description": "`invalid_client`.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/OAuthError"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "description": "Too many failed sign-ins (`invalid_grant`), or over a rate-limit budget (a Mastodon error).",
      "headers": {
       "Retry-After": {
        "schema": {
         "type": "string"
        },
        "required": true
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "anyOf": [
          {
           "$ref": "#/components/schemas/OAuthError"
          },
          {
           "$ref": "#/components/schemas/Error"
          }
         ]
        }
       }
      }
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/oauth/revoke": {
   "post": {
    "operationId": "revokeToken",
    "summary": "Revoke a token (RFC 7009).",
    "tags": [
     "oauth"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "client_id": {
          "type": "string"
         },
         "client_secret": {
          "type": "string"
         },
         "token": {
          "type": "string"
         }
        },
        "required": [
         "token"
        ]
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "client_id": {
          "type": "string"
         },
         "client_secret": {
          "type": "string"
         },
         "token": {
          "type": "string"
         }
        },
        "required": [
         "token"
        ]
       }
      }
     }
    },
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Revoked (or never valid).",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      }
     },
     "400": {
      "description": "The token is missing, or malformed parameters.",
      "content": {
       "application/json": {
        "schema": {
         "anyOf": [
          {
           "$ref": "#/components/schemas/OAuthError"
          },
          {
           "$ref": "#/components/schemas/Error"
          }
         ]
        }
       }
      }
     },
     "403": {
      "description": "The client's credentials are wrong.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/OAuthError"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/.well-known/oauth-authorization-server": {
   "get": {
    "operationId": "authorizationServerMetadata",
    "summary": "RFC 8414 metadata.",
    "tags": [
     "oauth"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Metadata.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuthorizationServerMetadata"
        }
       }
      }
     }
    }
   }
  },
  "/oauth/userinfo": {
   "get": {
    "operationId": "userinfo",
    "summary": "OpenID Connect claims of the token's user.",
    "tags": [
     "oauth"
    ],
    "security": [
     {
      "OAuth2": [
       "profile"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Claims.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Userinfo"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   },
   "post": {
    "operationId": "userinfoPost",
    "summary": "OpenID Connect claims of the token's user.",
    "tags": [
     "oauth"
    ],
    "security": [
     {
      "OAuth2": [
       "profile"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Claims.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Userinfo"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/streaming/health": {
   "get": {
    "operationId": "streamingHealth",
    "summary": "The streaming API answers.",
    "tags": [
     "streaming"
    ],
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "`OK`.",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string",
         "enum": [
          "OK"
         ]
        }
       }
      }
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     }
    }
   }
  },
  "/api/v1/streaming/user": {
   "get": {
    "operationId": "streamUser",
    "summary": "Stream `User` as server-sent events.",
    "tags": [
     "streaming"
    ],
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Server-sent events, until the client leaves.",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/streaming/user/notification": {
   "get": {
    "operationId": "streamUserNotification",
    "summary": "Stream `UserNotification` as server-sent events.",
    "tags": [
     "streaming"
    ],
    "security": [
     {
      "OAuth2": [
       "read:notifications"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Server-sent events, until the client leaves.",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/streaming/public": {
   "get": {
    "operationId": "streamPublic",
    "summary": "Stream `Public` as server-sent events.",
    "tags": [
     "streaming"
    ],
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Server-sent events, until the client leaves.",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/streaming/public/local": {
   "get": {
    "operationId": "streamPublicLocal",
    "summary": "Stream `PublicLocal` as server-sent events.",
    "tags": [
     "streaming"
    ],
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Server-sent events, until the client leaves.",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/streaming/hashtag": {
   "get": {
    "operationId": "streamHashtag",
    "summary": "Stream `Hashtag` as server-sent events.",
    "tags": [
     "streaming"
    ],
    "parameters": [
     {
      "name": "tag",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The hashtag."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Server-sent events, until the client leaves.",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/streaming/hashtag/local": {
   "get": {
    "operationId": "streamHashtagLocal",
    "summary": "Stream `HashtagLocal` as server-sent events.",
    "tags": [
     "streaming"
    ],
    "parameters": [
     {
      "name": "tag",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The hashtag."
     }
    ],
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "responses": {
     "200": {
      "description": "Server-sent events, until the client leaves.",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  },
  "/api/v1/streaming": {
   "get": {
    "operationId": "streamingWebSocket",
    "summary": "The WebSocket (an upgrade request); any other request is a 400.",
    "tags": [
     "streaming"
    ],
    "parameters": [
     {
      "name": "stream",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "tag",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     },
     {
      "OAuth2": [
       "read:notifications"
      ]
     }
    ],
    "responses": {
     "101": {
      "description": "Switching to the WebSocket protocol."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    }
   }
  }
 },
 "components": {
  "schemas": {
   "Error": {
    "type": "object",
    "properties": {
     "error": {
      "type": "string"
     }
    },
    "required": [
     "error"
    ],
    "additionalProperties": false,
    "description": "Mastodon's error entity: every error the API answers has this body."
   },
   "OAuthError": {
    "type": "object",
    "properties": {
     "error": {
      "type": "string"
     },
     "error_description": {
      "type": "string"
     }
    },
    "required": [
     "error",
     "error_description"
    ],
    "additionalProperties": false,
    "description": "RFC 6749's error body (the token and revocation endpoints)."
   },
   "Empty": {
    "type": "object",
    "properties": {},
    "required": [],
    "additionalProperties": false,
    "description": "An empty object, answered by calls that change state and return nothing else."
   },
   "Account": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "username": {
      "type": "string"
     },
     "acct": {
      "type": "string"
     },
     "display_name": {
      "type": "string"
     },
     "locked": {
      "type": "boolean"
     },
     "bot": {
      "type": "boolean"
     },
     "discoverable": {
      "type": "boolean"
     },
     "group": {
      "type": "boolean"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "note": {
      "type": "string"
     },
     "url": {
      "type": "string"
     },
     "uri": {
      "type": "string"
     },
     "avatar": {
      "type": "string"
     },
     "avatar_static": {
      "type": "string"
     },
     "header": {
      "type": "string"
     },
     "header_static": {
      "type": "string"
     },
     "followers_count": {
      "type": "integer"
     },
     "following_count": {
      "type": "integer"
     },
     "statuses_count": {
      "type": "integer"
     },
     "last_status_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date"
     },
     "mute_expires_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time",
      "description": "Only in GET /api/v1/mutes: when the mute ends (null: when unmuted)."
     },
     "emojis": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "fields": {
      "type": "array",
      "items": {
       "type": "object"
      }
     }
    },
    "required": [
     "id",
     "username",
     "acct",
     "display_name",
     "locked",
     "bot",
     "discoverable",
     "group",
     "created_at",
     "note",
     "url",
     "uri",
     "avatar",
     "avatar_static",
     "header",
     "header_static",
     "followers_count",
     "following_count",
     "statuses_count",
     "last_status_at",
     "emojis",
     "fields"
    ],
    "additionalProperties": false
   },
   "CredentialAccount": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "username": {
      "type": "string"
     },
     "acct": {
      "type": "string"
     },
     "display_name": {
      "type": "string"
     },
     "locked": {
      "type": "boolean"
     },
     "bot": {
      "type": "boolean"
     },
     "discoverable": {
      "type": "boolean"
     },
     "group": {
      "type": "boolean"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "note": {
      "type": "string"
     },
     "url": {
      "type": "string"
     },
     "uri": {
      "type": "string"
     },
     "avatar": {
      "type": "string"
     },
     "avatar_static": {
      "type": "string"
     },
     "header": {
      "type": "string"
     },
     "header_static": {
      "type": "string"
     },
     "followers_count": {
      "type": "integer"
     },
     "following_count": {
      "type": "integer"
     },
     "statuses_count": {
      "type": "integer"
     },
     "last_status_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date"
     },
     "emojis": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "fields": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "source": {
      "type": "object",
      "properties": {
       "privacy": {
        "type": "string",
        "enum": [
         "public",
         "unlisted",
         "private",
         "direct"
        ]
       },
       "sensitive": {
        "type": "boolean"
       },
       "language": {
        "type": [
         "string",
         "null"
        ]
       },
       "note": {
        "type": "string"
       },
       "fields": {
        "type": "array",
        "items": {
         "type": "object"
        }
       },
       "follow_requests_count": {
        "type": "integer"
       }
      },
      "required": [
       "privacy",
       "sensitive",
       "language",
       "note",
       "fields",
       "follow_requests_count"
      ],
      "additionalProperties": false
     }
    },
    "required": [
     "id",
     "username",
     "acct",
     "display_name",
     "locked",
     "bot",
     "discoverable",
     "group",
     "created_at",
     "note",
     "url",
     "uri",
     "avatar",
     "avatar_static",
     "header",
     "header_static",
     "followers_count",
     "following_count",
     "statuses_count",
     "last_status_at",
     "emojis",
     "fields",
     "source"
    ],
    "additionalProperties": false,
    "description": "An Account with `source`, for the signed-in user."
   },
   "Mention": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "username": {
      "type": "string"
     },
     "url": {
      "type": "string"
     },
     "acct": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "username",
     "url",
     "acct"
    ],
    "additionalProperties": false
   },
   "Tag": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "url": {
      "type": "string"
     }
    },
    "required": [
     "name",
     "url"
    ],
    "additionalProperties": false
   },
   "TagHistory": {
    "type": "object",
    "properties": {
     "day": {
      "type": "string"
     },
     "uses": {
      "type": "string"
     },
     "accounts": {
      "type": "string"
     }
    },
    "required": [
     "day",
     "uses",
     "accounts"
    ],
    "additionalProperties": false,
    "description": "One day of a tag's use; every value a string, as Mastodon writes them."
   },
   "TagWithHistory": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "url": {
      "type": "string"
     },
     "history": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/TagHistory"
      }
     }
    },
    "required": [
     "name",
     "url",
     "history"
    ],
    "additionalProperties": false
   },
   "FollowableTag": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "url": {
      "type": "string"
     },
     "history": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/TagHistory"
      }
     },
     "following": {
      "type": "boolean"
     }
    },
    "required": [
     "id",
     "name",
     "url",
     "history"
    ],
    "additionalProperties": false,
    "description": "A Tag; `following` only for a signed-in viewer, `id` empty for a tag nothing has used yet."
   },
   "StatusApplication": {
    "type": "object",
    "properties": {
     "name": {
      "type": "string"
     },
     "website": {
      "type": [
       "string",
       "null"
      ]
     }
    },
    "required": [
     "name",
     "website"
    ],
    "additionalProperties": false
   },
   "Status": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "in_reply_to_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "in_reply_to_account_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "sensitive": {
      "type": "boolean"
     },
     "spoiler_text": {
      "type": "string"
     },
     "visibility": {
      "type": "string",
      "enum": [
       "public",
       "unlisted",
       "private",
       "direct"
      ]
     },
     "language": {
      "type": [
       "string",
       "null"
      ]
     },
     "uri": {
      "type": "string"
     },
     "url": {
      "type": "string"
     },
     "replies_count": {
      "type": "integer"
     },
     "reblogs_count": {
      "type": "integer"
     },
     "favourites_count": {
      "type": "integer"
     },
     "edited_at": {
      "type": [
       "string",
       "null"
      ]
     },
     "favourited": {
      "type": "boolean"
     },
     "reblogged": {
      "type": "boolean"
     },
     "muted": {
      "type": "boolean"
     },
     "bookmarked": {
      "type": "boolean"
     },
     "pinned": {
      "type": "boolean"
     },
     "content": {
      "type": "string"
     },
     "text": {
      "type": [
       "string",
       "null"
      ]
     },
     "reblog": {
      "anyOf": [
       {
        "$ref": "#/components/schemas/Status"
       },
       {
        "type": "null"
       }
      ]
     },
     "application": {
      "anyOf": [
       {
        "$ref": "#/components/schemas/StatusApplication"
       },
       {
        "type": "null"
       }
      ]
     },
     "account": {
      "$ref": "#/components/schemas/Account"
     },
     "media_attachments": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "mentions": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Mention"
      }
     },
     "tags": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Tag"
      }
     },
     "emojis": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "card": {
      "type": [
       "object",
       "null"
      ]
     },
     "poll": {
      "type": [
       "object",
       "null"
      ]
     },
     "filtered": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/FilterResult"
      },
      "description": "The viewer's filters (v2) that matched, when any did (`warn` filters; `hide` ones drop the status)."
     }
    },
    "required": [
     "id",
     "created_at",
     "in_reply_to_id",
     "in_reply_to_account_id",
     "sensitive",
     "spoiler_text",
     "visibility",
     "language",
     "uri",
     "url",
     "replies_count",
     "reblogs_count",
     "favourites_count",
     "edited_at",
     "favourited",
     "reblogged",
     "muted",
     "bookmarked",
     "pinned",
     "content",
     "text",
     "reblog",
     "application",
     "account",
     "media_attachments",
     "mentions",
     "tags",
     "emojis",
     "card",
     "poll"
    ],
    "additionalProperties": false
   },
   "Notification": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "type": {
      "type": "string"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "account": {
      "$ref": "#/components/schemas/Account"
     },
     "status": {
      "anyOf": [
       {
        "$ref": "#/components/schemas/Status"
       },
       {
        "type": "null"
       }
      ]
     }
    },
    "required": [
     "id",
     "type",
     "created_at",
     "account",
     "status"
    ],
    "additionalProperties": false
   },
   "Context": {
    "type": "object",
    "properties": {
     "ancestors": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Status"
      }
     },
     "descendants": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Status"
      }
     }
    },
    "required": [
     "ancestors",
     "descendants"
    ],
    "additionalProperties": false
   },
   "Search": {
    "type": "object",
    "properties": {
     "accounts": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Account"
      }
     },
     "statuses": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Status"
      }
     },
     "hashtags": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/TagWithHistory"
      }
     }
    },
    "required": [
     "accounts",
     "statuses",
     "hashtags"
    ],
    "additionalProperties": false
   },
   "Relationship": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "following": {
      "type": "boolean"
     },
     "showing_reblogs": {
      "type": "boolean"
     },
     "notifying": {
      "type": "boolean"
     },
     "languages": {
      "type": [
       "array",
       "null"
      ],
      "items": {
       "type": "string"
      }
     },
     "followed_by": {
      "type": "boolean"
     },
     "blocking": {
      "type": "boolean"
     },
     "blocked_by": {
      "type": "boolean"
     },
     "muting": {
      "type": "boolean"
     },
     "muting_notifications": {
      "type": "boolean"
     },
     "requested": {
      "type": "boolean"
     },
     "requested_by": {
      "type": "boolean"
     },
     "domain_blocking": {
      "type": "boolean"
     },
     "endorsed": {
      "type": "boolean"
     },
     "note": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "following",
     "showing_reblogs",
     "notifying",
     "languages",
     "followed_by",
     "blocking",
     "blocked_by",
     "muting",
     "muting_notifications",
     "requested",
     "requested_by",
     "domain_blocking",
     "endorsed",
     "note"
    ],
    "additionalProperties": false
   },
   "Application": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "website": {
      "type": [
       "string",
       "null"
      ]
     },
     "redirect_uri": {
      "type": "string"
     },
     "client_id": {
      "type": "string"
     },
     "client_secret": {
      "type": "string"
     },
     "vapid_key": {
      "type": "string"
     },
     "scopes": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "redirect_uris": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    },
    "required": [
     "id",
     "name",
     "website",
     "redirect_uri",
     "client_id",
     "client_secret",
     "vapid_key",
     "scopes",
     "redirect_uris"
    ],
    "additionalProperties": false,
    "description": "A registered app, with its credentials (answered once, at registration)."
   },
   "Token": {
    "type": "object",
    "properties": {
     "access_token": {
      "type": "string"
     },
     "token_type": {
      "type": "string",
      "enum": [
       "Bearer"
      ]
     },
     "scope": {
      "type": "string"
     },
     "created_at": {
      "type": "integer"
     }
    },
    "required": [
     "access_token",
     "token_type",
     "scope",
     "created_at"
    ],
    "additionalProperties": false
   },
   "Rule": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "text": {
      "type": "string"
     },
     "hint": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "text",
     "hint"
    ],
    "additionalProperties": false
   },
   "InstanceConfiguration": {
    "type": "object",
    "properties": {
     "urls": {
      "type": "object",
      "properties": {
       "streaming": {
        "type": "string"
       }
      },
      "required": [
       "streaming"
      ],
      "additionalProperties": false
     },
     "accounts": {
      "type": "object",
      "properties": {
       "max_featured_tags": {
        "type": "integer"
       }
      },
      "required": [
       "max_featured_tags"
      ],
      "additionalProperties": false
     },
     "statuses": {
      "type": "object",
      "properties": {
       "max_characters": {
        "type": "integer"
       },
       "max_media_attachments": {
        "type": "integer"
       },
       "characters_reserved_per_url": {
        "type": "integer"
       }
      },
      "required": [
       "max_characters",
       "max_media_attachments",
       "characters_reserved_per_url"
      ],
      "additionalProperties": false
     },
     "media_attachments": {
      "type": "object",
      "properties": {
       "supported_mime_types": {
        "type": "array",
        "items": {
         "type": "string"
        }
       },
       "image_size_limit": {
        "type": "integer"
       },
       "image_matrix_limit": {
        "type": "integer"
       },
       "video_size_limit": {
        "type": "integer"
       },
       "video_frame_rate_limit": {
        "type": "integer"
       },
       "video_matrix_limit": {
        "type": "integer"
       }
      },
      "required": [
       "supported_mime_types",
       "image_size_limit",
       "image_matrix_limit",
       "video_size_limit",
       "video_frame_rate_limit",
       "video_matrix_limit"
      ],
      "additionalProperties": false
     },
     "polls": {
      "type": "object",
      "properties": {
       "max_options": {
        "type": "integer"
       },
       "max_characters_per_option": {
        "type": "integer"
       },
       "min_expiration": {
        "type": "integer"
       },
       "max_expiration": {
        "type": "integer"
       }
      },
      "required": [
       "max_options",
       "max_characters_per_option",
       "min_expiration",
       "max_expiration"
      ],
      "additionalProperties": false
     },
     "translation": {
      "type": "object",
      "properties": {
       "enabled": {
        "type": "boolean"
       }
      },
      "required": [
       "enabled"
      ],
      "additionalProperties": false
     },
     "vapid": {
      "type": "object",
      "properties": {
       "public_key": {
        "type": "string"
       }
      },
      "required": [
       "public_key"
      ],
      "additionalProperties": false
     }
    },
    "required": [
     "accounts",
     "statuses",
     "media_attachments",
     "polls",
     "translation"
    ],
    "additionalProperties": false,
    "description": "The limits Starling enforces; `urls` and `vapid` in v2 only."
   },
   "InstanceV2": {
    "type": "object",
    "properties": {
     "domain": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "version": {
      "type": "string"
     },
     "source_url": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "usage": {
      "type": "object",
      "properties": {
       "users": {
        "type": "object",
        "properties": {
         "active_month": {
          "type": "integer"
         }
        },
        "required": [
         "active_month"
        ],
        "additionalProperties": false
       }
      },
      "required": [
       "users"
      ],
      "additionalProperties": false
     },
     "thumbnail": {
      "type": "object",
      "properties": {
       "url": {
        "type": "string"
       }
      },
      "required": [
       "url"
      ],
      "additionalProperties": false
     },
     "languages": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "configuration": {
      "$ref": "#/components/schemas/InstanceConfiguration"
     },
     "registrations": {
      "type": "object",
      "properties": {
       "enabled": {
        "type": "boolean"
       },
       "approval_required": {
        "type": "boolean"
       },
       "message": {
        "type": [
         "string",
         "null"
        ]
       }
      },
      "required": [
       "enabled",
       "approval_required",
       "message"
      ],
      "additionalProperties": false
     },
     "contact": {
      "type": "object",
      "properties": {
       "email": {
        "type": "string"
       },
       "account": {
        "type": [
         "object",
         "null"
        ]
       }
      },
      "required": [
       "email",
       "account"
      ],
      "additionalProperties": false
     },
     "rules": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Rule"
      }
     }
    },
    "required": [
     "domain",
     "title",
     "version",
     "source_url",
     "description",
     "usage",
     "thumbnail",
     "languages",
     "configuration",
     "registrations",
     "contact",
     "rules"
    ],
    "additionalProperties": false
   },
   "InstanceV1": {
    "type": "object",
    "properties": {
     "uri": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "short_description": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "email": {
      "type": "string"
     },
     "version": {
      "type": "string"
     },
     "urls": {
      "type": "object",
      "properties": {
       "streaming_api": {
        "type": "string"
       }
      },
      "required": [
       "streaming_api"
      ],
      "additionalProperties": false
     },
     "stats": {
      "type": "object",
      "properties": {
       "user_count": {
        "type": "integer"
       },
       "status_count": {
        "type": "integer"
       },
       "domain_count": {
        "type": "integer"
       }
      },
      "required": [
       "user_count",
       "status_count",
       "domain_count"
      ],
      "additionalProperties": false
     },
     "thumbnail": {
      "type": [
       "string",
       "null"
      ]
     },
     "languages": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "registrations": {
      "type": "boolean"
     },
     "approval_required": {
      "type": "boolean"
     },
     "invites_enabled": {
      "type": "boolean"
     },
     "configuration": {
      "$ref": "#/components/schemas/InstanceConfiguration"
     },
     "contact_account": {
      "type": [
       "object",
       "null"
      ]
     },
     "rules": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Rule"
      }
     }
    },
    "required": [
     "uri",
     "title",
     "short_description",
     "description",
     "email",
     "version",
     "urls",
     "stats",
     "thumbnail",
     "languages",
     "registrations",
     "approval_required",
     "invites_enabled",
     "configuration",
     "contact_account",
     "rules"
    ],
    "additionalProperties": false
   },
   "Activity": {
    "type": "object",
    "properties": {
     "week": {
      "type": "string"
     },
     "statuses": {
      "type": "string"
     },
     "logins": {
      "type": "string"
     },
     "registrations": {
      "type": "string"
     }
    },
    "required": [
     "week",
     "statuses",
     "logins",
     "registrations"
    ],
    "additionalProperties": false
   },
   "Preferences": {
    "type": "object",
    "properties": {
     "posting:default:visibility": {
      "type": "string"
     },
     "posting:default:sensitive": {
      "type": "boolean"
     },
     "posting:default:language": {
      "type": [
       "string",
       "null"
      ]
     },
     "reading:expand:media": {
      "type": "string"
     },
     "reading:expand:spoilers": {
      "type": "boolean"
     }
    },
    "required": [
     "posting:default:visibility",
     "posting:default:sensitive",
     "posting:default:language",
     "reading:expand:media",
     "reading:expand:spoilers"
    ],
    "additionalProperties": false
   },
   "Marker": {
    "type": "object",
    "properties": {
     "last_read_id": {
      "type": "string"
     },
     "version": {
      "type": "integer"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "last_read_id",
     "version",
     "updated_at"
    ],
    "additionalProperties": false
   },
   "Markers": {
    "type": "object",
    "properties": {
     "home": {
      "$ref": "#/components/schemas/Marker"
     },
     "notifications": {
      "$ref": "#/components/schemas/Marker"
     }
    },
    "required": [],
    "additionalProperties": false,
    "description": "Only the markers that exist, keyed by timeline."
   },
   "WebPushSubscription": {
    "type": "object",
    "properties": {
     "id": {
      "type": "integer"
     },
     "endpoint": {
      "type": "string"
     },
     "standard": {
      "type": "boolean"
     },
     "alerts": {
      "type": "object",
      "additionalProperties": {
       "type": "boolean"
      }
     },
     "policy": {
      "type": "string",
      "enum": [
       "all",
       "followed",
       "follower",
       "none"
      ]
     },
     "server_key": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "endpoint",
     "standard",
     "alerts",
     "policy",
     "server_key"
    ],
    "additionalProperties": false
   },
   "NodeinfoLinks": {
    "type": "object",
    "properties": {
     "links": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "rel": {
         "type": "string"
        },
        "href": {
         "type": "string"
        }
       },
       "required": [
        "rel",
        "href"
       ],
       "additionalProperties": false
      }
     }
    },
    "required": [
     "links"
    ],
    "additionalProperties": false
   },
   "Nodeinfo": {
    "type": "object",
    "properties": {
     "version": {
      "type": "string",
      "enum": [
       "2.0"
      ]
     },
     "software": {
      "type": "object",
      "properties": {
       "name": {
        "type": "string"
       },
       "version": {
        "type": "string"
       }
      },
      "required": [
       "name",
       "version"
      ],
      "additionalProperties": false
     },
     "protocols": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "services": {
      "type": "object",
      "properties": {
       "inbound": {
        "type": "array",
        "items": {
         "type": "string"
        }
       },
       "outbound": {
        "type": "array",
        "items": {
         "type": "string"
        }
       }
      },
      "required": [
       "inbound",
       "outbound"
      ],
      "additionalProperties": false
     },
     "usage": {
      "type": "object",
      "properties": {
       "users": {
        "type": "object",
        "properties": {
         "total": {
          "type": "integer"
         },
         "activeMonth": {
          "type": "integer"
         },
         "activeHalfyear": {
          "type": "integer"
         }
        },
        "required": [
         "total",
         "activeMonth",
         "activeHalfyear"
        ],
        "additionalProperties": false
       },
       "localPosts": {
        "type": "integer"
       }
      },
      "required": [
       "users",
       "localPosts"
      ],
      "additionalProperties": false
     },
     "openRegistrations": {
      "type": "boolean"
     },
     "metadata": {
      "type": "object",
      "properties": {
       "nodeName": {
        "type": "string"
       }
      },
      "required": [
       "nodeName"
      ],
      "additionalProperties": false
     }
    },
    "required": [
     "version",
     "software",
     "protocols",
     "services",
     "usage",
     "openRegistrations",
     "metadata"
    ],
    "additionalProperties": false
   },
   "Webfinger": {
    "type": "object",
    "properties": {
     "subject": {
      "type": "string"
     },
     "aliases": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "links": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "rel": {
         "type": "string"
        },
        "type": {
         "type": "string"
        },
        "href": {
         "type": "string"
        }
       },
       "required": [
        "rel",
        "type",
        "href"
       ],
       "additionalProperties": false
      }
     }
    },
    "required": [
     "subject",
     "aliases",
     "links"
    ],
    "additionalProperties": false,
    "description": "A JSON Resource Descriptor (RFC 7033)."
   },
   "AuthorizationServerMetadata": {
    "type": "object",
    "properties": {
     "issuer": {
      "type": "string"
     },
     "service_documentation": {
      "type": "string"
     },
     "authorization_endpoint": {
      "type": "string"
     },
     "token_endpoint": {
      "type": "string"
     },
     "revocation_endpoint": {
      "type": "string"
     },
     "userinfo_endpoint": {
      "type": "string"
     },
     "app_registration_endpoint": {
      "type": "string"
     },
     "scopes_supported": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "response_types_supported": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "response_modes_supported": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "grant_types_supported": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "token_endpoint_auth_methods_supported": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "code_challenge_methods_supported": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    },
    "required": [
     "issuer",
     "service_documentation",
     "authorization_endpoint",
     "token_endpoint",
     "revocation_endpoint",
     "userinfo_endpoint",
     "app_registration_endpoint",
     "scopes_supported",
     "response_types_supported",
     "response_modes_supported",
     "grant_types_supported",
     "token_endpoint_auth_methods_supported",
     "code_challenge_methods_supported"
    ],
    "additionalProperties": false,
    "description": "RFC 8414 metadata."
   },
   "Userinfo": {
    "type": "object",
    "properties": {
     "iss": {
      "type": "string"
     },
     "sub": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "preferred_username": {
      "type": "string"
     },
     "profile": {
      "type": "string"
     },
     "picture": {
      "type": "string"
     }
    },
    "required": [
     "iss",
     "sub",
     "name",
     "preferred_username",
     "profile",
     "picture"
    ],
    "additionalProperties": false
   },
   "Health": {
    "type": "object",
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "ok"
      ]
     },
     "role": {
      "type": "string"
     }
    },
    "required": [
     "status",
     "role"
    ],
    "additionalProperties": false
   },
   "Readiness": {
    "type": "object",
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "ready",
       "not ready"
      ]
     }
    },
    "required": [
     "status"
    ],
    "additionalProperties": {
     "type": "string",
     "enum": [
      "ok",
      "unavailable",
      "ready",
      "not ready"
     ]
    },
    "description": "`status`, and `ok` or `unavailable` for each dependency by name."
   }
  },
  "responses": {
   "BadRequest": {
    "description": "Malformed parameters (percent-encoding, a number or id that does not parse, a control character).",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Unauthorized": {
    "description": "The access token is missing, unknown or revoked.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Forbidden": {
    "description": "The token's scopes do not reach this call, or the action is not allowed.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "NotFound": {
    "description": "Not found, or not visible to the caller.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "ContentTooLarge": {
    "description": "The request body is larger than 64 KiB.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "UnsupportedMediaType": {
    "description": "The body's content type is neither JSON nor a form.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "UnprocessableContent": {
    "description": "Validation failed; or a user's token is needed and an app's was given; or the parameters are not valid UTF-8.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "TooManyRequests": {
    "description": "Over a rate-limit budget (per token, per address, or for posting, registrations and sign-ins).",
    "headers": {
     "Retry-After": {
      "description": "Seconds until the budget resets.",
      "schema": {
       "type": "string"
      },
      "required": true
     },
     "X-RateLimit-Limit": {
      "schema": {
       "type": "string"
      }
     },
     "X-RateLimit-Remaining": {
      "schema": {
       "type": "string"
      }
     },
     "X-RateLimit-Reset": {
      "description": "When the budget resets (ISO 8601).",
      "schema": {
       "type": "string"
      }
     }
    },
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "ServiceUnavailable": {
    "description": "A dependency (PostgreSQL, Redis) is unavailable; try again after `Retry-After`.",
    "headers": {
     "Retry-After": {
      "description": "Seconds to wait.",
      "schema": {
       "type": "string"
      }
     }
    },
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  },
  "securitySchemes": {
   "OAuth2": {
    "type": "oauth2",
    "description": "A bearer token (`Authorization: Bearer …` or the `access_token` parameter).",
    "flows": {
     "authorizationCode": {
      "authorizationUrl": "/oauth/authorize",
      "tokenUrl": "/oauth/token",
      "scopes": {
       "read": "Mastodon's `read` scope",
       "write": "Mastodon's `write` scope",
       "follow": "Mastodon's `follow` scope",
       "push": "Mastodon's `push` scope",
       "profile": "Mastodon's `profile` scope",
       "read:accounts": "Mastodon's `read:accounts` scope",
       "read:blocks": "Mastodon's `read:blocks` scope",
       "read:bookmarks": "Mastodon's `read:bookmarks` scope",
       "read:favourites": "Mastodon's `read:favourites` scope",
       "read:filters": "Mastodon's `read:filters` scope",
       "read:follows": "Mastodon's `read:follows` scope",
       "read:lists": "Mastodon's `read:lists` scope",
       "read:mutes": "Mastodon's `read:mutes` scope",
       "read:notifications": "Mastodon's `read:notifications` scope",
       "read:search": "Mastodon's `read:search` scope",
       "read:statuses": "Mastodon's `read:statuses` scope",
       "write:accounts": "Mastodon's `write:accounts` scope",
       "write:blocks": "Mastodon's `write:blocks` scope",
       "write:bookmarks": "Mastodon's `write:bookmarks` scope",
       "write:conversations": "Mastodon's `write:conversations` scope",
       "write:favourites": "Mastodon's `write:favourites` scope",
       "write:filters": "Mastodon's `write:filters` scope",
       "write:follows": "Mastodon's `write:follows` scope",
       "write:lists": "Mastodon's `write:lists` scope",
       "write:media": "Mastodon's `write:media` scope",
       "write:mutes": "Mastodon's `write:mutes` scope",
       "write:notifications": "Mastodon's `write:notifications` scope",
       "write:reports": "Mastodon's `write:reports` scope",
       "write:statuses": "Mastodon's `write:statuses` scope",
       "admin:read": "Mastodon's `admin:read` scope",
       "admin:write": "Mastodon's `admin:write` scope"
      }
     },
     "password": {
      "tokenUrl": "/oauth/token",
      "scopes": {
       "read": "Mastodon's `read` scope",
       "write": "Mastodon's `write` scope",
       "follow": "Mastodon's `follow` scope",
       "push": "Mastodon's `push` scope",
       "profile": "Mastodon's `profile` scope",
       "read:accounts": "Mastodon's `read:accounts` scope",
       "read:blocks": "Mastodon's `read:blocks` scope",
       "read:bookmarks": "Mastodon's `read:bookmarks` scope",
       "read:favourites": "Mastodon's `read:favourites` scope",
       "read:filters": "Mastodon's `read:filters` scope",
       "read:follows": "Mastodon's `read:follows` scope",
       "read:lists": "Mastodon's `read:lists` scope",
       "read:mutes": "Mastodon's `read:mutes` scope",
       "read:notifications": "Mastodon's `read:notifications` scope",
       "read:search": "Mastodon's `read:search` scope",
       "read:statuses": "Mastodon's `read:statuses` scope",
       "write:accounts": "Mastodon's `write:accounts` scope",
       "write:blocks": "Mastodon's `write:blocks` scope",
       "write:bookmarks": "Mastodon's `write:bookmarks` scope",
       "write:conversations": "Mastodon's `write:conversations` scope",
       "write:favourites": "Mastodon's `write:favourites` scope",
       "write:filters": "Mastodon's `write:filters` scope",
       "write:follows": "Mastodon's `write:follows` scope",
       "write:lists": "Mastodon's `write:lists` scope",
       "write:media": "Mastodon's `write:media` scope",
       "write:mutes": "Mastodon's `write:mutes` scope",
       "write:notifications": "Mastodon's `write:notifications` scope",
       "write:reports": "Mastodon's `write:reports` scope",
       "write:statuses": "Mastodon's `write:statuses` scope",
       "admin:read": "Mastodon's `admin:read` scope",
       "admin:write": "Mastodon's `admin:write` scope"
      }
     },
     "clientCredentials": {
      "tokenUrl": "/oauth/token",
      "scopes": {
       "read": "Mastodon's `read` scope",
       "write": "Mastodon's `write` scope",
       "follow": "Mastodon's `follow` scope",
       "push": "Mastodon's `push` scope",
       "profile": "Mastodon's `profile` scope",
       "read:accounts": "Mastodon's `read:accounts` scope",
       "read:blocks": "Mastodon's `read:blocks` scope",
       "read:bookmarks": "Mastodon's `read:bookmarks` scope",
       "read:favourites": "Mastodon's `read:favourites` scope",
       "read:filters": "Mastodon's `read:filters` scope",
       "read:follows": "Mastodon's `read:follows` scope",
       "read:lists": "Mastodon's `read:lists` scope",
       "read:mutes": "Mastodon's `read:mutes` scope",
       "read:notifications": "Mastodon's `read:notifications` scope",
       "read:search": "Mastodon's `read:search` scope",
       "read:statuses": "Mastodon's `read:statuses` scope",
       "write:accounts": "Mastodon's `write:accounts` scope",
       "write:blocks": "Mastodon's `write:blocks` scope",
       "write:bookmarks": "Mastodon's `write:bookmarks` scope",
       "write:conversations": "Mastodon's `write:conversations` scope",
       "write:favourites": "Mastodon's `write:favourites` scope",
       "write:filters": "Mastodon's `write:filters` scope",
       "write:follows": "Mastodon's `write:follows` scope",
       "write:lists": "Mastodon's `write:lists` scope",
       "write:media": "Mastodon's `write:media` scope",
       "write:mutes": "Mastodon's `write:mutes` scope",
       "write:notifications": "Mastodon's `write:notifications` scope",
       "write:reports": "Mastodon's `write:reports` scope",
       "write:statuses": "Mastodon's `write:statuses` scope",
       "admin:read": "Mastodon's `admin:read` scope",
       "admin:write": "Mastodon's `admin:write` scope"
      }
     }
    }
   }
  }
 }
}
"""#
}
