extension OpenAPIDocument {
    /// The operations of this feature, merged into the served document (see `fragments`).
    static let webPages = #"""
{
 "paths": {
  "/": {
   "get": {
    "operationId": "webHome",
    "parameters": [
     {
      "description": "An ETag from an earlier answer: 304 if it is still current.",
      "in": "header",
      "name": "If-None-Match",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "The app's page (with the session's token in a meta tag) or the landing page.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "The client's copy (named by If-None-Match) is current.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {}
    ],
    "summary": "The web client for a signed-in browser (session cookie), a landing page otherwise.",
    "tags": [
     "web"
    ]
   }
  },
  "/about": {
   "get": {
    "operationId": "webAbout",
    "parameters": [
     {
      "description": "An ETag from an earlier answer: 304 if it is still current.",
      "in": "header",
      "name": "If-None-Match",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "The about page.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "The client's copy (named by If-None-Match) is current.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {}
    ],
    "summary": "The server's rules and contact.",
    "tags": [
     "web"
    ]
   }
  },
  "/assets/web.css": {
   "get": {
    "operationId": "webStylesheet",
    "parameters": [
     {
      "description": "An ETag from an earlier answer: 304 if it is still current.",
      "in": "header",
      "name": "If-None-Match",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "text/css": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "CSS.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "The client's copy (named by If-None-Match) is current.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {}
    ],
    "summary": "The web pages' stylesheet.",
    "tags": [
     "web"
    ]
   }
  },
  "/assets/web.js": {
   "get": {
    "operationId": "webScript",
    "parameters": [
     {
      "description": "An ETag from an earlier answer: 304 if it is still current.",
      "in": "header",
      "name": "If-None-Match",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "text/javascript": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "JavaScript.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "The client's copy (named by If-None-Match) is current.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {}
    ],
    "summary": "The web client's script.",
    "tags": [
     "web"
    ]
   }
  },
  "/auth/sign_up": {
   "get": {
    "operationId": "signUpPage",
    "responses": {
     "200": {
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "The form."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {}
    ],
    "summary": "The sign-up form.",
    "tags": [
     "web"
    ]
   },
   "post": {
    "operationId": "signUp",
    "requestBody": {
     "content": {
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "agreement": {
          "type": "string"
         },
         "authenticity_token": {
          "type": "string"
         },
         "email": {
          "type": "string"
         },
         "password": {
          "type": "string"
         },
         "username": {
          "type": "string"
         }
        },
        "type": "object"
       }
      }
     },
     "required": false
    },
    "responses": {
     "303": {
      "description": "Signed up and signed in: on to the web client at `/`.",
      "headers": {
       "Location": {
        "schema": {
         "type": "string"
        }
       },
       "Set-Cookie": {
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
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       },
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "The form again, saying what is wrong (403: the form token is missing or wrong; 422: a field is invalid or taken); parameters that cannot be decoded at all (control characters) get Mastodon's JSON error."
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       },
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "The form again, saying what is wrong (403: the form token is missing or wrong; 422: a field is invalid or taken); parameters that cannot be decoded at all (control characters) get Mastodon's JSON error."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {}
    ],
    "summary": "Create an account and sign this browser in.",
    "tags": [
     "web"
    ]
   }
  },
  "/tags/{name}": {
   "get": {
    "operationId": "webTag",
    "parameters": [
     {
      "description": "The hashtag without `#`, optionally ending in `.rss`.",
      "in": "path",
      "name": "name",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "An ETag from an earlier answer: 304 if it is still current.",
      "in": "header",
      "name": "If-None-Match",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/rss+xml": {
        "schema": {
         "type": "string"
        }
       },
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "The page (text/html), or for a name ending in `.rss` the feed (RSS 2.0).",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "The client's copy (named by If-None-Match) is current.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
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
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       },
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "No such account, post or tag (a page), or a path that is not a page (JSON)."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {}
    ],
    "summary": "Public posts with a hashtag, or their RSS feed (`name.rss`).",
    "tags": [
     "web"
    ]
   }
  },
  "/{handle}": {
   "get": {
    "operationId": "webProfile",
    "parameters": [
     {
      "description": "`@username` or `@username.rss`.",
      "in": "path",
      "name": "handle",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "An ETag from an earlier answer: 304 if it is still current.",
      "in": "header",
      "name": "If-None-Match",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/rss+xml": {
        "schema": {
         "type": "string"
        }
       },
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "The page (text/html), or for a name ending in `.rss` the feed (RSS 2.0).",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "The client's copy (named by If-None-Match) is current.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
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
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       },
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "No such account, post or tag (a page), or a path that is not a page (JSON)."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {}
    ],
    "summary": "A public profile page (`@username`), or its RSS feed (`@username.rss`).",
    "tags": [
     "web"
    ]
   }
  },
  "/{handle}/{id}": {
   "get": {
    "operationId": "webStatus",
    "parameters": [
     {
      "description": "`@username` of the author.",
      "in": "path",
      "name": "handle",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "The post's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "An ETag from an earlier answer: 304 if it is still current.",
      "in": "header",
      "name": "If-None-Match",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "The post's page.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "304": {
      "description": "The client's copy (named by If-None-Match) is current.",
      "headers": {
       "Cache-Control": {
        "description": "How long it may be reused.",
        "schema": {
         "type": "string"
        }
       },
       "ETag": {
        "description": "A strong validator of the representation.",
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
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       },
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "No such account, post or tag (a page), or a path that is not a page (JSON)."
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {}
    ],
    "summary": "A public post with its public thread.",
    "tags": [
     "web"
    ]
   }
  }
 },
 "tags": [
  {
   "description": "The web client, public pages and feeds (HTML and RSS).",
   "name": "web"
  }
 ]
}
"""#
}
