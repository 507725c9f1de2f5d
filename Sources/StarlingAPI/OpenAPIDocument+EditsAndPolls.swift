extension OpenAPIDocument {
    /// The operations of this feature, merged into the served document (see `fragments`).
    static let editsAndPolls = #"""
{
 "paths": {
  "/api/v1/statuses/{id}": {
   "put": {
    "operationId": "editStatus",
    "summary": "Edit one's own status (text, spoiler, sensitivity, language, poll).",
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
          },
          "description": "2 to `configuration.polls.max_options` options; `expires_in` in seconds, from `min_expiration` to `max_expiration`."
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
     "description": "As posting: `status` counts at most `max_characters`. A poll whose options change loses its votes; leaving `poll` out removes it (as Mastodon). Media attachments are not edited here."
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
      "description": "The status as edited (`edited_at` set).",
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
  "/api/v1/statuses/{id}/history": {
   "get": {
    "operationId": "getStatusHistory",
    "summary": "Every version of a status, oldest first, the current one last.",
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
      "description": "The versions.",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/StatusEdit"
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
  "/api/v1/statuses/{id}/source": {
   "get": {
    "operationId": "getStatusSource",
    "summary": "A status's plain text and spoiler, for editing.",
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
      "description": "The source.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/StatusSource"
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
  "/api/v1/polls/{id}": {
   "get": {
    "operationId": "getPoll",
    "summary": "A poll (of a status the requester may see).",
    "tags": [
     "polls"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The poll's id."
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
      "description": "The poll; `voted` and `own_votes` with a user token only.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Poll"
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
  "/api/v1/polls/{id}/votes": {
   "post": {
    "operationId": "votePoll",
    "summary": "Vote on a poll: once per person, not on one's own poll, not after it ended.",
    "tags": [
     "polls"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "The poll's id."
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "choices": {
          "type": "array",
          "items": {
           "oneOf": [
            {
             "type": "integer"
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
      "application/x-www-form-urlencoded": {
       "schema": {
        "type": "object",
        "properties": {
         "choices[]": {
          "type": "array",
          "items": {
           "oneOf": [
            {
             "type": "integer"
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
     "description": "Option indexes, from 0: one unless the poll is `multiple`, no duplicates."
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
      "description": "The poll with the vote counted.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Poll"
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
  }
 },
 "components": {
  "schemas": {
   "Poll": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "expires_at": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "expired": {
      "type": "boolean"
     },
     "multiple": {
      "type": "boolean"
     },
     "votes_count": {
      "type": "integer"
     },
     "voters_count": {
      "type": [
       "integer",
       "null"
      ]
     },
     "options": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "title": {
         "type": "string"
        },
        "votes_count": {
         "type": [
          "integer",
          "null"
         ]
        }
       },
       "required": [
        "title",
        "votes_count"
       ],
       "additionalProperties": false
      }
     },
     "emojis": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "voted": {
      "type": "boolean"
     },
     "own_votes": {
      "type": "array",
      "items": {
       "type": "integer"
      }
     }
    },
    "required": [
     "id",
     "expires_at",
     "expired",
     "multiple",
     "votes_count",
     "voters_count",
     "options",
     "emojis"
    ],
    "additionalProperties": false
   },
   "StatusEdit": {
    "type": "object",
    "properties": {
     "content": {
      "type": "string"
     },
     "spoiler_text": {
      "type": "string"
     },
     "sensitive": {
      "type": "boolean"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "account": {
      "$ref": "#/components/schemas/Account"
     },
     "poll": {
      "anyOf": [
       {
        "type": "object",
        "properties": {
         "options": {
          "type": "array",
          "items": {
           "type": "object",
           "properties": {
            "title": {
             "type": "string"
            }
           },
           "required": [
            "title"
           ],
           "additionalProperties": false
          }
         }
        },
        "required": [
         "options"
        ],
        "additionalProperties": false
       },
       {
        "type": "null"
       }
      ]
     },
     "media_attachments": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "emojis": {
      "type": "array",
      "items": {
       "type": "object"
      }
     }
    },
    "required": [
     "content",
     "spoiler_text",
     "sensitive",
     "created_at",
     "account",
     "poll",
     "media_attachments",
     "emojis"
    ],
    "additionalProperties": false
   },
   "StatusSource": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "text": {
      "type": "string"
     },
     "spoiler_text": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "text",
     "spoiler_text"
    ],
    "additionalProperties": false
   }
  }
 },
 "tags": [
  {
   "name": "polls",
   "description": "Polls on statuses."
  }
 ]
}
"""#
}
